import * as z from '../shared/zod';

/** Response of `GET /health`. */
export const healthSchema = z.object({
  status: z.literal('ok'),
  service: z.string(),
  version: z.string(),
  adapters: z.object({
    database: z.enum(['dynamodb', 'local-dynamodb']),
    prompts: z.enum(['s3', 'folder']),
    businessApi: z.enum(['http', 'unconfigured']),
    llm: z.enum(['bedrock', 'rules']),
    /** Who answers in conversations: a model, or (rules provider) the offline coach. */
    coach: z.enum(['model', 'offline']),
  }),
  /** What a caller should know about this deployment (e.g. that it runs without a model). */
  notice: z.optional(z.string()),
});
export type Health = z.infer<typeof healthSchema>;
