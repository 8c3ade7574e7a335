import { z } from 'zod';

/** A versioned prompt template as published to the prompts bucket (`<topic>/<version>.json`). */
export const promptTemplateSchema = z.object({
  topic: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be lower_snake_case, 2-64 characters'),
  version: z.string().regex(/^v\d{1,4}\.\d{1,4}$/, 'must look like v1.0'),
  phase: z.string().min(1).max(64).optional(),
  metadata: z.object({
    title: z.string().min(1).max(200),
    description: z.string().min(1).max(2000),
    category: z.string().min(1).max(64).optional(),
    tags: z.array(z.string().min(1).max(64)).max(20).optional(),
  }),
  system_prompt: z.string().min(1).max(50000),
  user_prompt_template: z.string().min(1).max(50000),
  variables: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case')).max(50),
  output_schema: z.string().min(1).max(64).optional(),
  model: z
    .object({
      id: z.string().min(1).max(200).optional(),
      temperature: z.number().min(0).max(1).optional(),
      max_tokens: z.number().int().min(256).max(64000).optional(),
      fallbacks: z.array(z.string().min(1).max(200)).max(5).optional(),
      /** A faster, cheaper model simple requests may be routed to (complexity routing); absent: never routed. */
      fast: z.string().min(1).max(200).optional(),
    })
    .optional(),
  /** For conversation topics: when a session may complete (minimum user exchanges, outcome fields required). */
  completion: z
    .object({
      min_exchanges: z.number().int().min(0).max(100),
      required_fields: z.array(z.string().min(1).max(64)).max(20),
    })
    .optional(),
  is_active: z.boolean().optional(),
  created_at: z.string().min(1),
  created_by: z.string().min(1),
});

/** A validated prompt template. */
export type PromptTemplate = z.infer<typeof promptTemplateSchema>;

/** Where templates are read from: a folder locally, the S3 bucket in AWS. */
export interface PromptStore {
  /** The template that serves `topic` now. Throws PromptUnavailableError when none can be loaded. */
  active(topic: string): Promise<PromptTemplate>;
}
