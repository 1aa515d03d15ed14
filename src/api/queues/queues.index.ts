import { createRouter } from "../router";
import { listQueuesHandler } from "./queues.handlers";
import { listQueues } from "./queues.routes";

export const queuesRouter = createRouter();
queuesRouter.openapi(listQueues, listQueuesHandler);
