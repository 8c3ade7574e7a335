import * as z from '../zod';

/** A versioned prompt template as published to the prompts bucket (`<topic>/<version>.json`). */
export const promptTemplateSchema = z.object({
  topic: z.string().check(z.regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be lower_snake_case, 2-64 characters')),
  version: z.string().check(z.regex(/^v\d{1,4}\.\d{1,4}$/, 'must look like v1.0')),
  phase: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  metadata: z.object({
    title: z.string().check(z.minLength(1), z.maxLength(200)),
    description: z.string().check(z.minLength(1), z.maxLength(2000)),
    category: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    tags: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(20))),
  }),
  system_prompt: z.string().check(z.minLength(1), z.maxLength(50000)),
  user_prompt_template: z.string().check(z.minLength(1), z.maxLength(50000)),
  variables: z.array(z.string().check(z.regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case'))).check(z.maxLength(50)),
  output_schema: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  model: z.optional(z
    .object({
      id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
      temperature: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
      max_tokens: z.optional(z.number().check(z.int(), z.minimum(256), z.maximum(64000))),
      fallbacks: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.maxLength(5))),
      /** A faster, cheaper model simple requests may be routed to (complexity routing); absent: never routed. */
      fast: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    })
    ),
  /** For conversation topics: when a session may complete (minimum user exchanges, outcome fields required). */
  completion: z.optional(z
    .object({
      min_exchanges: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
      required_fields: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(20)),
    })
    ),
  is_active: z.optional(z.boolean()),
  created_at: z.string().check(z.minLength(1)),
  created_by: z.string().check(z.minLength(1)),
});

/** A validated prompt template. */
export type PromptTemplate = z.infer<typeof promptTemplateSchema>;

/** Where templates are read from: a folder locally, the S3 bucket in AWS. */
export interface PromptStore {
  /** The template that serves `topic` now. Throws PromptUnavailableError when none can be loaded. */
  active(topic: string): Promise<PromptTemplate>;
}
