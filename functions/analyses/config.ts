import { envConfig, tableNameEnv } from '../shared/config';
import * as z from '../shared/zod';
import { analysesTable } from './tables';

/** The environment the analyses capability reads (parsed once, at cold start). */
export const analysesEnv = z.object({
  ...tableNameEnv(analysesTable),
  /** How long a stored analysis is kept (TTL), from its creation. */
  ANALYSES_TTL_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(3650)), 90),
  /**
   * How long a request waits for the model before it hands the analysis to a job and answers 202 (kept well inside
   * API Gateway's 29 s; a `fast` type, a classification, always answers in the request).
   */
  ANALYSES_SYNC_BUDGET_SECONDS: z._default(z.coerce.number().check(z.minimum(1), z.maximum(25)), 20),
  /** The analysis job queue (SQS URL); unset: the in-process queue the local runtime serves. */
  ANALYSIS_JOB_QUEUE_URL: z.optional(z.url()),
});

/** The analyses capability's configuration. */
export const analysesConfig = envConfig(analysesEnv);
