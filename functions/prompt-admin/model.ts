import * as z from '../shared/zod';
import { labelRecordSchema, promptLabelSchema, promptVersionRecordSchema } from '../shared/prompts/prompt-index';
import { promptTemplateSchema } from '../shared/prompts/template';

const topic = z.string().check(z.regex(/^[a-z][a-z0-9_]{1,63}$/, 'is not a prompt topic'));
const version = z.string().check(z.regex(/^v\d{1,4}\.\d{1,4}$/, 'must look like v1.0'));
/** A version, or a label name standing for the version it points at. */
const reference = z.union([version, promptLabelSchema]);

/** Path of the topic routes. */
export const topicParamsSchema = z.object({ topic });

/** Path of the version routes; a label name stands for the version it points at. */
export const versionParamsSchema = z.object({ topic, version: reference });

/** Path of the label route. */
export const labelParamsSchema = z.object({ topic, label: promptLabelSchema });

/** Query of the publish route: a label to move to the new version. */
export const publishQuerySchema = z.strictObject({ label: z.optional(promptLabelSchema) });

/** Body of the publish route: a template (checked in full by the registry's validation, 422 with every problem). */
export const publishBodySchema = z.record(z.string(), z.unknown());

/** Body of the label route. */
export const moveLabelBodySchema = z.strictObject({ version });

/** Body of the preview route: without `tenantId`, the caller's own tenant is previewed. */
export const previewBodySchema = z.strictObject({
  tenantId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'is not a tenant id'))),
  invoke: z._default(z.boolean(), false),
});

/** Query of the diff route: versions, or label names standing for the versions they point at. */
export const diffQuerySchema = z.strictObject({ from: reference, to: reference });

/** Response of `GET /admin/prompts`. */
export const topicListSchema = z.object({
  topics: z.array(
    z.object({
      topic: z.string(),
      labels: z.object({ production: z.optional(z.string()), staging: z.optional(z.string()) }),
      latestVersion: z.optional(z.string()),
      versions: z.number().check(z.int()),
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
  template: z.optional(promptTemplateSchema),
});

/** Response of the publish route. */
export const publishResponseSchema = z.object({
  created: z.boolean(),
  record: promptVersionRecordSchema,
  label: z.optional(labelRecordSchema),
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
  dataGaps: z.array(z.object({ source: z.string(), reason: z.string(), status: z.optional(z.number()) })),
  output: z.optional(
    z.object({ drafts: z.array(z.record(z.string(), z.unknown())), provenance: z.record(z.string(), z.unknown()) }),
  ),
});

/** Response of the diff route. */
export const diffResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  changedFields: z.array(z.string()),
  unified: z.string(),
});
