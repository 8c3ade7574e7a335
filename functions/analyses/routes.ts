import { MODEL_CALL_ERRORS } from '../shared/errors';
import { defineCapability, defineRoute } from '../shared/http/route';
import * as z from '../shared/zod';
import {
  analysisFeedbackSchema,
  analysisIdParamsSchema,
  analysisPageSchema,
  analysisResponseSchema,
  analysisTypeParamsSchema,
  feedbackRecordedSchema,
  listAnalysesQuerySchema,
} from './api';
import { analysesEnv } from './config';
import { intentRequestSchema } from './types/intent';
import { analysesTable } from './tables';
import { analysisJobsWorker, analyzes } from './workers';

/** The analyses capability: single-shot structured analyses (strategy alignment, goal plans, root causes, intent). */
export const analyses = defineCapability({
  env: analysesEnv,
  tables: { analyses: analysesTable },
  workers: { analysisJobs: analysisJobsWorker },
  routes: {
    runAnalysis: defineRoute({
      method: 'POST',
      path: '/analyses/{id}',
      handler: 'functions/analyses/handlers/run-analysis.ts',
      auth: 'user',
      summary:
        'Run an analysis of the tenant (types: strategy-alignment, goal-plan, root-cause, intent; the body is the ' +
        "type's request): 200 with `{ id, type, result, provenance, createdAt }`, or 202 with the pending analysis " +
        'and its jobId when the model needs longer than the request may wait (poll GET /analyses/{id}). Unknown type: 404 naming the known ones',
      tag: 'analyses',
      params: analysisTypeParamsSchema,
      body: z.optional(z.record(z.string(), z.unknown())),
      response: { status: 200, schema: analysisResponseSchema },
      errors: ['not_found', 'upstream_unavailable', 'model_output_invalid', ...MODEL_CALL_ERRORS],
      grants: { ...analyzes, queues: ['analysisJobs'], tables: { ...analyzes.tables, jobs: 'readWrite' } },
    }),
    analyzeIntent: defineRoute({
      method: 'POST',
      path: '/ai/analyze-intent',
      handler: 'functions/analyses/handlers/analyze-intent.ts',
      auth: 'user',
      summary:
        "The `intent` analysis under the assistant spec's name: `{ message, context? }` -> the stored analysis, whose " +
        'result is `{ intent, confidence, entities, suggestedActions }`. Always answered in the request (a fast model)',
      tag: 'analyses',
      body: intentRequestSchema,
      response: { status: 200, schema: analysisResponseSchema },
      errors: ['model_output_invalid', ...MODEL_CALL_ERRORS],
      // The queue only because the service is built with it; an intent never goes to a job.
      grants: {
        tables: { analyses: 'readWrite', usage: 'readWrite', promptIndex: 'read' },
        promptsBucket: 'read',
        bedrock: true,
        queues: ['analysisJobs'],
      },
    }),
    listAnalyses: defineRoute({
      method: 'GET',
      path: '/analyses',
      handler: 'functions/analyses/handlers/list-analyses.ts',
      auth: 'user',
      summary: "The tenant's analyses, newest first, optionally of one type; paginated by cursor",
      tag: 'analyses',
      query: listAnalysesQuerySchema,
      response: { status: 200, schema: analysisPageSchema },
      errors: ['not_found'],
      grants: { tables: { analyses: 'read' }, cursors: true },
    }),
    getAnalysis: defineRoute({
      method: 'GET',
      path: '/analyses/{id}',
      handler: 'functions/analyses/handlers/get-analysis.ts',
      auth: 'user',
      summary:
        "One of the tenant's analyses: done (with its result), pending (its job runs) or failed (with the reason)",
      tag: 'analyses',
      params: analysisIdParamsSchema,
      response: { status: 200, schema: analysisResponseSchema },
      errors: ['not_found'],
      grants: { tables: { analyses: 'read' } },
    }),
    analysisFeedback: defineRoute({
      method: 'POST',
      path: '/analyses/{id}/feedback',
      handler: 'functions/analyses/handlers/record-analysis-feedback.ts',
      auth: 'user',
      summary: 'Thumbs up or down (and a comment) on a finished analysis; a second verdict replaces the first',
      tag: 'analyses',
      params: analysisIdParamsSchema,
      body: analysisFeedbackSchema,
      response: { status: 200, schema: feedbackRecordedSchema },
      errors: ['not_found'],
      grants: { tables: { analyses: 'readWrite' } },
    }),
  },
});
