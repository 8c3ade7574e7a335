import { z } from 'zod';
import { labelRecordSchema, promptLabelSchema, promptVersionRecordSchema } from '../shared/prompts/prompt-index';
import { promptTemplateSchema } from '../shared/prompts/template';

const topic = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'is not a prompt topic');
const version = z.string().regex(/^v\d{1,4}\.\d{1,4}$/, 'must look like v1.0');

/** Path of the topic routes. */
export const topicParamsSchema = z.object({ topic });

/** Path of the version routes; a label name stands for the version it points at. */
export const versionParamsSchema = z.object({ topic, version: z.union([version, promptLabelSchema]) });

/** Path of the label route. */
export const labelParamsSchema = z.object({ topic, label: promptLabelSchema });

/** Query of the publish route: a label to move to the new version. */
export const publishQuerySchema = z.object({ label: promptLabelSchema.optional() }).strict();

/** Body of the publish route: a template (checked in full by the registry's validation, 422 with every problem). */
export const publishBodySchema = z.record(z.string(), z.unknown());

/** Body of the label route. */
export const moveLabelBodySchema = z.object({ version }).strict();

/** Body of the preview route. */
export const previewBodySchema = z
  .object({
    tenantId: z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'is not a tenant id'),
    invoke: z.boolean().default(false),
  })
  .strict();

/** Query of the diff route. */
export const diffQuerySchema = z.object({ from: version, to: version }).strict();

/** Response of `GET /admin/prompts`. */
export const topicListSchema = z.object({
  topics: z.array(
    z.object({
      topic: z.string(),
      labels: z.object({ production: z.string().optional(), staging: z.string().optional() }),
      latestVersion: z.string().optional(),
      versions: z.number().int(),
    }),
  ),
});

/** Response of `GET /admin/prompts/{topic}/versions`. */
export const versionListSchema = z.object({
  versions: z.array(promptVersionRecordSchema),
  labels: z.array(labelRecordSchema),
});

/** Response of `GET /admin/prompts/{topic}/versions/{version}`. */
export const versionDetailSchema = z.object({
  record: promptVersionRecordSchema,
  template: promptTemplateSchema.optional(),
});

/** Response of the publish route. */
export const publishResponseSchema = z.object({
  created: z.boolean(),
  record: promptVersionRecordSchema,
  label: labelRecordSchema.optional(),
});

/** Response of the label and rollback routes. */
export const labelResponseSchema = z.object({ label: labelRecordSchema });

/** Response of the preview route. */
export const previewResponseSchema = z.object({
  topic: z.string(),
  version: z.string(),
  tenantId: z.string(),
  rendered: z.object({ system: z.string(), user: z.string() }),
  tokenEstimate: z.object({ system: z.number(), user: z.number(), total: z.number() }),
  dataGaps: z.array(z.object({ source: z.string(), reason: z.string(), status: z.number().optional() })),
  output: z
    .object({ drafts: z.array(z.record(z.string(), z.unknown())), provenance: z.record(z.string(), z.unknown()) })
    .optional(),
});

/** Response of the diff route. */
export const diffResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  changedFields: z.array(z.string()),
  unified: z.string(),
});
