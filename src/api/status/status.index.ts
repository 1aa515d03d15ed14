import { createRouter } from "../router";
import { jobStatus, contentJobStatus, tagStatus, modelTagStatus, deleteJob } from "./status.routes";
import { contentJobStatusHandler, deleteJobHandler, jobStatusHandler, modelTagStatusHandler, tagStatusHandler } from "./status.handlers";

export const statusRouter = createRouter();
statusRouter.openapi(jobStatus, jobStatusHandler);
statusRouter.openapi(deleteJob, deleteJobHandler);
statusRouter.openapi(contentJobStatus, contentJobStatusHandler);
statusRouter.openapi(tagStatus, tagStatusHandler);
statusRouter.openapi(modelTagStatus, modelTagStatusHandler);
