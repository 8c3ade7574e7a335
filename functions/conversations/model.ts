import * as z from '../shared/zod';
import { pageFields, pagedQuery } from '../shared/pagination';

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
  reply: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
  phase: phaseSchema,
  progress: z.number().check(z.minimum(0), z.maximum(1)),
  readyToComplete: z.boolean(),
  suggestedReplies: z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.maxLength(3)),
  /** The outcome as far as it is known; shaped like the topic's outcome schema, partially. */
  extracted: z.record(z.string(), z.unknown()),
  /** The classification of the user's last message (absent on the opening turn). */
  intent: z.optional(
    z.object({
      type: intentSchema,
      confidence: z.number().check(z.minimum(0), z.maximum(1)),
      entities: z._default(
        z
          .array(
            z.object({
              type: z.string().check(z.minLength(1), z.maxLength(40)),
              value: z.string().check(z.minLength(1), z.maxLength(200)),
            }),
          )
          .check(z.maxLength(10)),
        [],
      ),
    }),
  ),
});
export type TurnOutput = z.infer<typeof turnOutputSchema>;

/**
 * Where a coach's turn or outcome came from: `rules` is the offline coach (the template's phases with scripted
 * questions and the owner's own words, no model); `bedrock` a model through the gateway.
 */
export const provenanceSchema = z.object({
  provider: z.enum(['rules', 'bedrock']),
  promptTopic: z.string(),
  promptVersion: z.string(),
  /** The model that answered (bedrock). */
  modelId: z.optional(z.string()),
  /** Whether the model's answer needed a repair round (bedrock). */
  repaired: z.optional(z.boolean()),
  /** The offline coach's question this turn asked (rules). */
  step: z.optional(z.string()),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** Outcome schemas per topic: what a completed session produces. */
export const outcomeSchemas = {
  core_values: z.object({
    values: z
      .array(
        z.object({
          name: z.string().check(z.trim(), z.minLength(2), z.maxLength(60)),
          meaning: z.string().check(z.trim(), z.minLength(10), z.maxLength(400)),
          behavior: z.string().check(z.trim(), z.minLength(10), z.maxLength(400)),
        }),
      )
      .check(z.minLength(3), z.maxLength(7)),
  }),
  purpose: z.object({
    statement: z.string().check(z.trim(), z.minLength(10), z.maxLength(300)),
    whoWeServe: z.string().check(z.trim(), z.minLength(3), z.maxLength(300)),
    whyItMatters: z.string().check(z.trim(), z.minLength(10), z.maxLength(600)),
  }),
  vision: z.object({
    statement: z.string().check(z.trim(), z.minLength(10), z.maxLength(300)),
    horizonYears: z.number().check(z.int(), z.minimum(1), z.maximum(30)),
    milestones: z
      .array(z.string().check(z.trim(), z.minLength(3), z.maxLength(200)))
      .check(z.minLength(1), z.maxLength(5)),
  }),
  business_coaching: z.object({
    summary: z.string().check(z.trim(), z.minLength(10), z.maxLength(1200)),
    decisions: z.array(z.string().check(z.trim(), z.minLength(3), z.maxLength(300))).check(z.maxLength(10)),
    nextSteps: z
      .array(z.string().check(z.trim(), z.minLength(3), z.maxLength(300)))
      .check(z.minLength(1), z.maxLength(7)),
  }),
} as const satisfies Record<ConversationTopic, z.ZodMiniType>;
export type Outcome = z.infer<(typeof outcomeSchemas)[ConversationTopic]>;

/** Thumbs, an optional 1-5 rating and comment on an assistant message. */
export const feedbackSchema = z.strictObject({
  thumbs: z.enum(['up', 'down']),
  rating: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(5))),
  comment: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
});
export type Feedback = z.infer<typeof feedbackSchema>;

/** One message of a conversation. */
export const messageSchema = z.object({
  id: z.string(),
  seq: z.number().check(z.int()),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  createdAt: z.iso.datetime(),
  phase: z.optional(phaseSchema),
  suggestedReplies: z.optional(z.array(z.string())),
  intent: z.optional(turnOutputSchema.shape.intent),
  feedback: z.optional(z.extend(feedbackSchema, { at: z.iso.datetime() })),
  /** Who wrote the coach's message (absent on the owner's). */
  provenance: z.optional(provenanceSchema),
});
export type Message = z.infer<typeof messageSchema>;

/** What the coach's model calls used for a request: tokens and cost in micro-dollars (none offline). */
export interface Spend {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicros: number;
}

/** Tokens and cost of a conversation so far: every stored turn's model calls, its summaries and its outcome. */
export const conversationUsageSchema = z.object({
  inputTokens: z.number().check(z.int()),
  outputTokens: z.number().check(z.int()),
  costUsd: z.number(),
});
export type ConversationUsage = z.infer<typeof conversationUsageSchema>;

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
  turn: z.number().check(z.int()),
  /** Number of user messages so far. */
  exchanges: z.number().check(z.int()),
  /** Older messages folded into prose, and the last message it covers. */
  summary: z.string(),
  summarizedThrough: z.number().check(z.int()),
  extracted: z.record(z.string(), z.unknown()),
  outcome: z.optional(z.record(z.string(), z.unknown())),
  outcomeStatus: z.optional(z.enum(['proposed', 'accepted'])),
  outcomeProvenance: z.optional(provenanceSchema),
  lowConfidenceStreak: z.number().check(z.int()),
  handoffRequestedAt: z.optional(z.iso.datetime()),
  usage: conversationUsageSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Conversation = z.infer<typeof conversationSchema>;

const id = z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'is not a conversation id'));

/** Path of the conversation routes. */
export const conversationParamsSchema = z.object({ id });
/** Path of the feedback route. */
export const messageParamsSchema = z.object({
  id,
  messageId: z.string().check(z.regex(/^msg-\d{1,6}$/, 'is not a message id')),
});

/** Body of `POST /conversations`. */
export const startBodySchema = z.strictObject({ topic: conversationTopicSchema });
/** Body of `POST /conversations/{id}/messages`. */
export const replyBodySchema = z.strictObject({
  message: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
});
/** Body of `PUT /conversations/{id}/outcome`: accept the proposed outcome, or send an edited one. */
export const outcomeBodySchema = z.strictObject({
  outcome: z.optional(z.record(z.string(), z.unknown())),
  accept: z._default(z.boolean(), true),
});

/** Query of `GET /conversations`: filters, then the pagination every list shares (`cursor`, `page_size`). */
export const listConversationsQuerySchema = pagedQuery(
  { status: z.optional(conversationStatusSchema), topic: z.optional(conversationTopicSchema) },
  20,
);

/** Query of `GET /conversations/{id}`: a page of its messages (oldest first), by the same `cursor` and `page_size`. */
export const messagesPageQuerySchema = pagedQuery({}, 50);

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
  handoff: z.optional(z.object({ offered: z.literal(true), reason: z.enum(['escalate', 'low_confidence']) })),
});
/** Response of `GET /conversations`: a page, newest first; `cursor` (absent on the last page) fetches the next. */
export const conversationListSchema = z.object({ items: z.array(conversationSchema), ...pageFields });
/** Response of `GET /conversations/{id}`: a page of its messages; `cursor` (absent on the last page) fetches the next. */
export const conversationDetailSchema = z.object({
  conversation: conversationSchema,
  messages: z.array(messageSchema),
  ...pageFields,
  /** The conversation's message counter: messages are numbered 1 to totalMessages, a page is a range of them. */
  totalMessages: z.number().check(z.int()),
});
/** Response of pause, complete and outcome. */
export const conversationResponseSchema = z.object({
  conversation: conversationSchema,
  recap: z.optional(z.string()),
  outcome: z.optional(z.record(z.string(), z.unknown())),
});

/** How the conversations of a period stand: started, completed, abandoned, in progress, and the completion rate. */
const lifecycleCounts = {
  started: z.number().check(z.int()),
  completed: z.number().check(z.int()),
  /** Not completed, and no activity for `abandonedAfterDays`. */
  abandoned: z.number().check(z.int()),
  inProgress: z.number().check(z.int()),
  /** completed / (completed + abandoned): of the conversations that ended either way; null when none did. */
  completionRate: z.nullable(z.number()),
};
export type LifecycleCounts = z.infer<z.ZodMiniObject<typeof lifecycleCounts>>;

/** The conversation section of `GET /admin/usage`: the conversations started in the report's range, as they stand. */
export const conversationStatsSchema = z.object({
  abandonedAfterDays: z.number().check(z.int()),
  ...lifecycleCounts,
  byTopic: z.array(z.object({ topic: conversationTopicSchema, ...lifecycleCounts })),
});
export type ConversationStats = z.infer<typeof conversationStatsSchema>;
