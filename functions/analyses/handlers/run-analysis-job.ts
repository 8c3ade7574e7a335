import { jobWorkerHandler } from '../../shared/jobs/worker-handler';
import { analysesService } from '../wiring';
import { analysisJobsWorker } from '../workers';

const service = analysesService();

/** The analysis worker: each message is one analysis that did not finish within its request, run with the model. */
export const handler = jobWorkerHandler(analysisJobsWorker, 'analysis-job', (invocation, message) =>
  service.runJob(invocation, message),
);
