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
      entities: z
        .array(z.object({ type: z.string().min(1).max(40), value: z.string().min(1).max(200) }))
        .max(10)
        .default([]),
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

/** Thumbs, an optional 1-5 rating and comment on an assistant message. */
export const feedbackSchema = z
  .object({
    thumbs: z.enum(['up', 'down']),
    rating: z.number().int().min(1).max(5).optional(),
    comment: z.string().trim().min(1).max(1000).optional(),
  })
  .strict();
export type Feedback = z.infer<typeof feedbackSchema>;

/** One message of a conversation. */
export const messageSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  createdAt: z.iso.datetime(),
  phase: phaseSchema.optional(),
  suggestedReplies: z.array(z.string()).optional(),
  intent: turnOutputSchema.shape.intent.optional(),
  feedback: feedbackSchema.extend({ at: z.iso.datetime() }).optional(),
});
export type Message = z.infer<typeof messageSchema>;

/** A conversation as stored and returned (without its messages). */
export const conversationSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  userId: z.string(),
  topic: conversationTopicSchema,
  promptVersion: z.string(),
  status: conversationStatusSchema,
  phase: phaseSchema,
  progress: z.number(),
  readyToComplete: z.boolean(),
  /** Number of messages so far; the optimistic-concurrency counter of turns. */
  turn: z.number().int(),
  /** Number of user messages so far. */
  exchanges: z.number().int(),
  /** Older messages folded into prose, and the last message it covers. */
  summary: z.string(),
  summarizedThrough: z.number().int(),
  extracted: z.record(z.string(), z.unknown()),
  outcome: z.record(z.string(), z.unknown()).optional(),
  outcomeStatus: z.enum(['proposed', 'accepted']).optional(),
  lowConfidenceStreak: z.number().int(),
  handoffRequestedAt: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Conversation = z.infer<typeof conversationSchema>;

const id = z.string().regex(/^[0-9a-f-]{36}$/, 'is not a conversation id');
const pageSize = z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(100);

/** Path of the conversation routes. */
export const conversationParamsSchema = z.object({ id });
/** Path of the feedback route. */
export const messageParamsSchema = z.object({
  id,
  messageId: z.string().regex(/^msg-\d{1,6}$/, 'is not a message id'),
});

/** Body of `POST /conversations`. */
export const startBodySchema = z.object({ topic: conversationTopicSchema }).strict();
/** Body of `POST /conversations/{id}/messages`. */
export const replyBodySchema = z.object({ message: z.string().trim().min(1).max(4000) }).strict();
/** Body of `PUT /conversations/{id}/outcome`: accept the proposed outcome, or send an edited one. */
export const outcomeBodySchema = z
  .object({ outcome: z.record(z.string(), z.unknown()).optional(), accept: z.boolean().default(true) })
  .strict();

/** Query of `GET /conversations`. */
export const listConversationsQuerySchema = z
  .object({
    status: conversationStatusSchema.optional(),
    topic: conversationTopicSchema.optional(),
    page: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(10000).default(1),
    page_size: pageSize.optional(),
    pageSize: pageSize.optional(),
  })
  .strict()
  .transform(({ page_size, pageSize: alias, ...rest }) => ({ ...rest, pageSize: page_size ?? alias ?? 20 }));

/** Query of `GET /conversations/{id}`: a page of its messages. */
export const messagesPageQuerySchema = z
  .object({
    page: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(10000).default(1),
    page_size: pageSize.optional(),
    pageSize: pageSize.optional(),
  })
  .strict()
  .transform(({ page, page_size, pageSize: alias }) => ({ page, pageSize: page_size ?? alias ?? 50 }));

/** Response of the turn routes. */
export const turnResponseSchema = z.object({
  conversation: conversationSchema,
  message: messageSchema,
  turn: z.object({
    phase: phaseSchema,
    progress: z.number(),
    readyToComplete: z.boolean(),
    suggestedReplies: z.array(z.string()),
    extracted: z.record(z.string(), z.unknown()),
    phaseCorrected: z.boolean(),
  }),
  handoff: z.object({ offered: z.literal(true), reason: z.enum(['escalate', 'low_confidence']) }).optional(),
});
/** Response of `GET /conversations`. */
export const conversationListSchema = z.object({
  items: z.array(conversationSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
/** Response of `GET /conversations/{id}`. */
export const conversationDetailSchema = z.object({
  conversation: conversationSchema,
  messages: z.array(messageSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalMessages: z.number().int(),
});
/** Response of pause, complete and outcome. */
export const conversationResponseSchema = z.object({
  conversation: conversationSchema,
  recap: z.string().optional(),
  outcome: z.record(z.string(), z.unknown()).optional(),
});
