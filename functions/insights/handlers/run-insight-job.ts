import { jobWorkerHandler } from '../../shared/jobs/worker-handler';
import { insightsService } from '../wiring';
import { insightJobsWorker } from '../workers';

const service = insightsService();

/** The on-demand generation worker: each message is one tenant's job, which writes its set with the model. */
export const handler = jobWorkerHandler(insightJobsWorker, 'insights-job', (invocation, message) =>
  service.runJob(invocation, message),
);
