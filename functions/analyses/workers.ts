import type { WorkerDefinition } from '../shared/jobs/worker-definition';

/** What running an analysis touches: the analyses, the jobs, metering, the templates, the model, the data, the history. */
export const analyzes = {
  tables: { analyses: 'readWrite', jobs: 'readWrite', usage: 'readWrite', promptIndex: 'read', metricHistory: 'read' },
  promptsBucket: 'read',
  bedrock: true,
  businessApi: true,
} as const;

/** The analysis job queue and its worker: an analysis that would run past the request's sync budget runs here. */
export const analysisJobsWorker = {
  id: 'AnalysisJobs',
  queueEnvVar: 'ANALYSIS_JOB_QUEUE_URL',
  handler: 'functions/analyses/handlers/run-analysis-job.ts',
  description: 'Analyses: runs an analysis with the model that did not finish within the request (a 202)',
  timeoutSeconds: 300,
  maxConcurrency: 10,
  grants: { ...analyzes, serviceToken: true },
} as const satisfies WorkerDefinition;
