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
  }),
});
export type Health = z.infer<typeof healthSchema>;
