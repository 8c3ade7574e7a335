import type { WorkerDefinition } from '../shared/jobs/worker-definition';

/**
 * What a generation touches: the sets, the jobs, metering, the templates, the model, the business APIs and the
 * metric history (each generation records the day's metrics and reads the trends).
 */
export const generates = {
  tables: {
    insights: 'readWrite',
    jobs: 'readWrite',
    usage: 'readWrite',
    promptIndex: 'read',
    metricHistory: 'readWrite',
  },
  promptsBucket: 'read',
  bedrock: true,
  businessApi: true,
} as const;

/**
 * The on-demand generation queue and its worker: a cache miss or a refresh queues a job here (apart from the nightly
 * run's queue, so a long night never starves a user's refresh); the worker has the model write the set.
 */
export const insightJobsWorker = {
  id: 'InsightJobs',
  queueEnvVar: 'INSIGHTS_JOB_QUEUE_URL',
  handler: 'functions/insights/handlers/run-insight-job.ts',
  description: 'Insights: writes a tenant set with the model (a job from a cache miss or a refresh)',
  timeoutSeconds: 300,
  maxConcurrency: 10,
  grants: { ...generates, serviceToken: true },
} as const satisfies WorkerDefinition;
