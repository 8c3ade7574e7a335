import { z } from 'zod';

/** The topics a conversation can have; each is backed by a prompt template of the same name. */
export const conversationTopics = ['core_values', 'purpose', 'vision', 'business_coaching'] as const;
export const conversationTopicSchema = z.enum(conversationTopics);
export type ConversationTopic = z.infer<typeof conversationTopicSchema>;

/** The phases of a session, in order; a conversation only moves forward unless the user asks to revisit. */
export const phases = ['introduction', 'exploration', 'synthesis', 'validation', 'completion'] as const;
export const phaseSchema = z.enum(phases);
export type Phase = z.infer<typeof phaseSchema>;

/** What a user message is, as the model classifies it. */
export const intents = ['question', 'share', 'request_help', 'off_topic', 'escalate'] as const;
export const intentSchema = z.enum(intents);

export const conversationStatuses = ['active', 'paused', 'completed'] as const;
export const conversationStatusSchema = z.enum(conversationStatuses);
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

/** One assistant turn, as the model returns it through the forced tool. */
export const turnOutputSchema = z.object({
  reply: z.string().trim().min(1).max(4000),
  phase: phaseSchema,
  progress: z.number().min(0).max(1),
  readyToComplete: z.boolean(),
  suggestedReplies: z.array(z.string().trim().min(1).max(200)).max(3),
  /** The outcome as far as it is known; shaped like the topic's outcome schema, partially. */
  extracted: z.record(z.string(), z.unknown()),
  /** The classification of the user's last message (absent on the opening turn). */
  intent: z
    .object({
      type: intentSchema,
      confidence: z.number().min(0).max(1),
      entities: z.array(z.object({ type: z.string().min(1).max(40), value: z.string().min(1).max(200) })).max(10).default([]),
    })
    .optional(),
});
export type TurnOutput = z.infer<typeof turnOutputSchema>;

/** Outcome schemas per topic: what a completed session produces. */
export const outcomeSchemas = {
  core_values: z.object({
    values: z
      .array(
        z.object({
          name: z.string().trim().min(2).max(60),
          meaning: z.string().trim().min(10).max(400),
          behavior: z.string().trim().min(10).max(400),
        }),
      )
      .min(3)
      .max(7),
  }),
  purpose: z.object({
    statement: z.string().trim().min(10).max(300),
    whoWeServe: z.string().trim().min(3).max(300),
    whyItMatters: z.string().trim().min(10).max(600),
  }),
  vision: z.object({
    statement: z.string().trim().min(10).max(300),
    horizonYears: z.number().int().min(1).max(30),
    milestones: z.array(z.string().trim().min(3).max(200)).min(1).max(5),
  }),
  business_coaching: z.object({
    summary: z.string().trim().min(10).max(1200),
    decisions: z.array(z.string().trim().min(3).max(300)).max(10),
    nextSteps: z.array(z.string().trim().min(3).max(300)).min(1).max(7),
  }),
} as const satisfies Record<ConversationTopic, z.ZodType>;
export type Outcome = z.infer<(typeof outcomeSchemas)[ConversationTopic]>;
