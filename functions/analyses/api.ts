import { pageFields, pagedQuery } from '../shared/pagination';
import * as z from '../shared/zod';
import { provenanceSchema } from './model';

/** Where a stored analysis stands: waiting for its job, answered, or failed (with the reason). */
export const analysisStatuses = ['pending', 'done', 'failed'] as const;
export type AnalysisStatus = (typeof analysisStatuses)[number];

/** A user's verdict on an analysis. */
export const analysisFeedbackSchema = z.strictObject({
  thumbs: z.enum(['up', 'down']),
  comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
});
export type AnalysisFeedback = z.infer<typeof analysisFeedbackSchema>;

/**
 * An analysis as the API shows it: `{ id, type, result, provenance, createdAt }` once done; while its job runs only
 * `status: pending` (and the `jobId`), a failed one its `reason`.
 */
export const analysisResponseSchema = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(analysisStatuses),
  result: z.optional(z.unknown()),
  provenance: z.optional(provenanceSchema),
  createdAt: z.iso.datetime(),
  finishedAt: z.optional(z.iso.datetime()),
  jobId: z.optional(z.string()),
  reason: z.optional(z.string()),
  feedback: z.optional(z.extend(analysisFeedbackSchema, { at: z.iso.datetime() })),
});
export type AnalysisResponse = z.infer<typeof analysisResponseSchema>;

/**
 * Path of `POST /analyses/{type}`: the segment is named `id` in the route table because `GET /analyses/{id}` shares
 * its position (one name per path position, as OpenAPI and API Gateway want); here it holds the type's name.
 */
export const analysisTypeParamsSchema = z.object({
  id: z.string().check(z.regex(/^[a-z][a-z-]{0,39}$/, 'is not an analysis type name')),
});

/** Path of the per-analysis routes. */
export const analysisIdParamsSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9]{26}$/, 'is not an analysis id')),
});

/** Query of `GET /analyses`: an optional type, then the pagination every list shares (`cursor`, `page_size`). */
export const listAnalysesQuerySchema = pagedQuery(
  { type: z.optional(z.string().check(z.regex(/^[a-z][a-z-]{0,39}$/, 'is not an analysis type name'))) },
  20,
);
export type ListAnalysesQuery = z.output<typeof listAnalysesQuerySchema>;

/** Response of `GET /analyses`: newest first. */
export const analysisPageSchema = z.object({ items: z.array(analysisResponseSchema), ...pageFields });

/** Response of `POST /analyses/{id}/feedback`. */
export const feedbackRecordedSchema = z.object({ id: z.string(), status: z.literal('recorded') });
