import { createRouter } from "../router";
import { contentJobStatus, deleteJob, jobEvents, jobStatus, modelTagStatus, tagStatus } from "./status.routes";
import { contentJobStatusHandler, deleteJobHandler, jobEventsHandler, jobStatusHandler, modelTagStatusHandler, tagStatusHandler } from "./status.handlers";

export const statusRouter = createRouter();
statusRouter.openapi(jobStatus, jobStatusHandler);
statusRouter.openapi(deleteJob, deleteJobHandler);
statusRouter.openapi(jobEvents, jobEventsHandler);
statusRouter.openapi(contentJobStatus, contentJobStatusHandler);
statusRouter.openapi(tagStatus, tagStatusHandler);
statusRouter.openapi(modelTagStatus, modelTagStatusHandler);
