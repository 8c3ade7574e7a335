import { randomUUID } from 'node:crypto';
import * as z from '../shared/zod';
import { onBehalfOf, type BusinessData } from '../shared/business-api/port';
import type { Invocation } from '../shared/invocation';
import { callStructured } from '../shared/llm/structured-call';
import { once } from '../shared/once';
import { renderPrompt } from '../shared/prompts/render';
import type { PromptStore, PromptTemplate } from '../shared/prompts/template';
import type { ModelGateway } from '../shared/usage/gateway';
import type { HandoffPublisher } from './handoff';
import {
  outcomeSchemas,
  turnOutputSchema,
  type Conversation,
  type ConversationStatus,
  type ConversationTopic,
  type Feedback,
  type Message,
  type TurnOutput,
} from './model';
import { conversationPromptValues, OPENING_MESSAGE } from './prompt-context';
import type { ConversationListQuery, ConversationStore, StoredConversation } from './store';
import {
  asksToRevisit,
  completionGaps,
  legalPhase,
  planFold,
  replyTextStream,
  toModelMessages,
  transcript,
} from './turns';
import { ConflictError, NotFoundError, UnprocessableError, UpstreamUnavailableError } from '../shared/errors';

/** Tunables of conversations (from config). */
export interface ConversationSettings {
  readonly idleDays: number;
  readonly outcomeRetentionDays: number;
  readonly recentMessages: number;
  readonly historyTokenBudget: number;
  /** Business context older than this is fetched again at the next turn. */
  readonly contextMaxAgeMs: number;
}

/** The ports conversations run on. */
export interface ConversationDependencies {
  readonly store: ConversationStore;
  readonly prompts: PromptStore;
  readonly gateway: ModelGateway;
  readonly businessData: BusinessData;
  readonly handoff: HandoffPublisher;
  readonly clock: () => Date;
  readonly settings: ConversationSettings;
}

/** An assistant turn and where the conversation stands after it. */
export interface TurnResult {
  readonly conversation: Conversation;
  readonly message: Message;
  readonly turn: Pick<TurnOutput, 'phase' | 'progress' | 'readyToComplete' | 'suggestedReplies' | 'extracted'> & {
    readonly phaseCorrected: boolean;
  };
  readonly handoff?: { readonly offered: true; readonly reason: 'escalate' | 'low_confidence' };
}

/** The forced tools; their JSON Schemas are derived on first use, not at cold start. */
const turnTool = once(() => ({
  name: 'record_turn',
  description: 'Record your reply to the owner and where the session stands.',
  inputSchema: z.toJSONSchema(turnOutputSchema, { io: 'input' }),
}));
const summaryTool = once(() => ({
  name: 'record_summary',
  description: 'Record the updated summary.',
  inputSchema: z.toJSONSchema(z.object({ summary: z.string().check(z.maxLength(2000)) }), { io: 'input' }),
}));
const summarySchema = z.object({ summary: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) });
/** Below this confidence a classification counts as unsure; two unsure messages in a row offer a human. */
const LOW_CONFIDENCE = 0.5;
const LOW_CONFIDENCE_STREAK = 2;
/** How long a turn holds its conversation; a turn that dies without giving it back blocks no longer than this. */
const TURN_HOLD_MS = 90_000;

const days = (count: number): number => count * 86_400_000;

/**
 * Coaching conversations: open a session on a topic, take turns (structured, phase-checked, with memory folding),
 * pause and resume with a recap, complete with a validated outcome the owner can accept or edit, feedback, and a
 * human hand-off when the owner asks for one or the coach keeps misreading them. One turn at a time per
 * conversation: a racing reply gets 409 and nothing is lost.
 */
export class ConversationService {
  constructor(private readonly deps: ConversationDependencies) {}

  /** Opens a session and returns the coach's opening turn. */
  async start(invocation: Invocation, topic: ConversationTopic): Promise<TurnResult> {
    const { store, clock, settings } = this.deps;
    const template = await this.deps.prompts.active(topic);
    const now = clock();
    const snapshot = await this.deps.businessData.snapshot(onBehalfOf(invocation), [
      'foundation',
      'goals',
      'performance',
    ]);
    const conversation: Conversation = {
      id: randomUUID(),
      tenantId: invocation.caller.tenantId,
      userId: invocation.caller.userId,
      topic,
      promptVersion: template.version,
      status: 'active',
      phase: 'introduction',
      progress: 0,
      readyToComplete: false,
      turn: 0,
      exchanges: 0,
      summary: '',
      summarizedThrough: 0,
      extracted: {},
      lowConfidenceStreak: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + days(settings.idleDays)).toISOString(),
    };
    const stored: StoredConversation = { conversation, context: { snapshot, fetchedAt: now.toISOString() } };
    await store.create(conversation, stored.context);
    return this.takeTurn(invocation, stored, template, OPENING_MESSAGE(topic), undefined);
  }

  /** The coach's answer to the owner's message; with `onText`, the reply's text is streamed as it is written. */
  async reply(invocation: Invocation, id: string, text: string, onText?: (text: string) => void): Promise<TurnResult> {
    const stored = await this.owned(invocation, id);
    this.requireStatus(stored.conversation, 'active');
    const template = await this.deps.prompts.active(stored.conversation.topic);
    return this.takeTurn(invocation, stored, template, text, text, onText);
  }

  /** A page of the caller's conversations (a tenant admin sees the whole tenant's), newest first. */
  async list(
    invocation: Invocation,
    query: ConversationListQuery,
  ): Promise<{ items: Conversation[]; pageSize: number; cursor?: string }> {
    const { caller } = invocation;
    const page = await this.deps.store.list(caller.tenantId, caller.isAdmin ? undefined : caller.userId, query);
    return { items: page.items, pageSize: query.pageSize, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /** One conversation with a page of its messages (oldest first; page n holds messages (n-1)*size+1 to n*size). */
  async get(
    invocation: Invocation,
    id: string,
    page: { page: number; pageSize: number },
  ): Promise<{
    conversation: Conversation;
    messages: Message[];
    page: number;
    pageSize: number;
    totalMessages: number;
  }> {
    const { conversation } = await this.visible(invocation, id);
    const messages = await this.deps.store.messages(
      invocation.caller.tenantId,
      id,
      (page.page - 1) * page.pageSize,
      page.pageSize,
    );
    return { conversation, messages, page: page.page, pageSize: page.pageSize, totalMessages: conversation.turn };
  }

  /** Pauses an active conversation; its state is kept as it is. */
  async pause(invocation: Invocation, id: string): Promise<Conversation> {
    const stored = await this.owned(invocation, id);
    this.requireStatus(stored.conversation, 'active');
    return this.change(invocation, stored.conversation, { status: 'paused' });
  }

  /** Resumes a paused conversation with a short recap of where it stood. */
  async resume(invocation: Invocation, id: string): Promise<{ conversation: Conversation; recap: string }> {
    const stored = await this.owned(invocation, id);
    this.requireStatus(stored.conversation, 'paused');
    const conversation = await this.change(invocation, stored.conversation, { status: 'active' });
    const messages = await this.deps.store.messages(invocation.caller.tenantId, id);
    const lastQuestion = [...messages].reverse().find((message) => message.role === 'assistant')?.text;
    const extracted =
      Object.keys(conversation.extracted).length > 0 ? JSON.stringify(conversation.extracted) : undefined;
    const recap = [
      `Welcome back. We were in the ${conversation.phase} phase, about ${Math.round(conversation.progress * 100)}% of the way.`,
      conversation.summary && `So far: ${conversation.summary}`,
      extracted && `What we have drafted: ${extracted}`,
      lastQuestion && `Where we left off: ${lastQuestion}`,
    ]
      .filter(Boolean)
      .join('\n');
    return { conversation, recap };
  }

  /** Completes the session: the outcome is extracted into the topic's schema and kept for the owner to accept or edit. */
  async complete(
    invocation: Invocation,
    id: string,
  ): Promise<{ conversation: Conversation; outcome: Record<string, unknown> }> {
    const stored = await this.owned(invocation, id);
    const { conversation } = stored;
    this.requireStatus(conversation, 'active');
    const template = await this.deps.prompts.active(conversation.topic);
    const gaps = completionGaps(template, conversation.exchanges, conversation.extracted);
    if (gaps.length > 0) {
      throw new UnprocessableError(
        'The session is not ready to complete',
        gaps.map((gap) => ({ field: 'conversation', message: `needs ${gap}` })),
        'not_ready',
      );
    }
    const extraction = await this.deps.prompts.active('outcome_extraction');
    const schema: z.ZodMiniType<Record<string, unknown>> = outcomeSchemas[conversation.topic];
    const messages = await this.deps.store.messages(invocation.caller.tenantId, id, conversation.summarizedThrough);
    const rendered = renderPrompt(extraction, {
      outcome_shape: JSON.stringify(z.toJSONSchema(schema, { io: 'input' })),
      topic: conversation.topic,
      summary: conversation.summary || 'none',
      messages: transcript(messages),
      extracted_so_far: JSON.stringify(conversation.extracted),
    });
    const result = await callStructured(
      this.deps.gateway,
      this.gatewayRequest(invocation, extraction, rendered.system, [{ role: 'user', text: rendered.user }], {
        name: 'record_outcome',
        description: `Record the outcome of the ${conversation.topic} session.`,
        inputSchema: z.toJSONSchema(schema, { io: 'input' }),
      }),
      schema,
    );
    if (!result.ok) throw new UpstreamUnavailableError('The outcome could not be extracted; try completing again');
    const now = this.deps.clock();
    const completed = await this.change(invocation, conversation, {
      status: 'completed',
      phase: 'completion',
      progress: 1,
      outcome: result.value,
      outcomeStatus: 'proposed',
      expiresAt: new Date(now.getTime() + days(this.deps.settings.outcomeRetentionDays)).toISOString(),
    });
    return { conversation: completed, outcome: result.value };
  }

  /** Accepts the proposed outcome, or replaces it with the owner's edit (validated against the topic's schema). */
  async saveOutcome(
    invocation: Invocation,
    id: string,
    edit: { outcome?: unknown; accept: boolean },
  ): Promise<Conversation> {
    const stored = await this.owned(invocation, id);
    this.requireStatus(stored.conversation, 'completed');
    const outcome = edit.outcome === undefined ? stored.conversation.outcome : edit.outcome;
    const parsed = outcomeSchemas[stored.conversation.topic].safeParse(outcome);
    if (!parsed.success) {
      throw new UnprocessableError(
        'The outcome does not match the topic',
        parsed.error.issues.map((issue) => ({
          field: ['outcome', ...issue.path.map(String)].join('.'),
          message: issue.message,
        })),
        'invalid_outcome',
      );
    }
    return this.change(invocation, stored.conversation, {
      outcome: parsed.data,
      outcomeStatus: edit.accept ? 'accepted' : 'proposed',
    });
  }

  /** Stores thumbs/rating/comment on one of the coach's messages. */
  async feedback(invocation: Invocation, id: string, messageId: string, feedback: Feedback): Promise<void> {
    await this.owned(invocation, id);
    const seq = Number(/^msg-(\d+)$/.exec(messageId)?.[1] ?? Number.NaN);
    const stored =
      Number.isInteger(seq) &&
      (await this.deps.store.setFeedback(invocation.caller.tenantId, id, seq, feedback, this.deps.clock()));
    if (!stored) throw new NotFoundError(`No message "${messageId}" of the coach in this conversation`);
  }

  /** Deletes a conversation and its messages. */
  async remove(invocation: Invocation, id: string): Promise<void> {
    await this.owned(invocation, id);
    await this.deps.store.delete(invocation.caller.tenantId, id);
  }

  private async takeTurn(
    invocation: Invocation,
    stored: StoredConversation,
    template: PromptTemplate,
    prompt: string,
    userText: string | undefined,
    onText?: (text: string) => void,
  ): Promise<TurnResult> {
    const { store, clock } = this.deps;
    let conversation = stored.conversation;
    const tenantId = invocation.caller.tenantId;
    const now = clock();
    if (userText !== undefined) {
      // Claim the turn first and hold it until the answer is stored: a racing reply loses here (409), before it
      // costs a model call or writes a message; a turn that fails gives the hold back.
      const claimed = await store.claimTurn(
        tenantId,
        conversation.id,
        conversation.turn,
        now,
        now.getTime() + TURN_HOLD_MS,
      );
      if (!claimed) throw new ConflictError('Another reply to this conversation is in progress; try again');
      conversation = { ...conversation, turn: conversation.turn + 1 };
      const claimedTurn = conversation.turn;
      // The user's message is stored while the history before it is read (one round trip for both).
      const [, history] = await Promise.all([
        store.putMessage(
          tenantId,
          conversation.id,
          this.message(claimedTurn, 'user', userText, now),
          conversation.expiresAt,
        ),
        store.messages(tenantId, conversation.id, conversation.summarizedThrough),
      ]);
      const before = history.filter((message) => message.seq < claimedTurn);
      return this.answer(invocation, stored, conversation, before, template, prompt, userText, now, onText).catch(
        async (error: unknown) => {
          await store.update(tenantId, conversation.id, claimedTurn, { busyUntil: 0 });
          throw error;
        },
      );
    }
    // The opening turn of a new conversation: no history yet.
    return this.answer(invocation, stored, conversation, [], template, prompt, userText, now, onText);
  }

  /** The model's turn on the conversation as claimed: memory, prompt, call, phase rules, and the stored answer. */
  private async answer(
    invocation: Invocation,
    stored: StoredConversation,
    conversation: Conversation,
    unsummarized: readonly Message[],
    template: PromptTemplate,
    prompt: string,
    userText: string | undefined,
    now: Date,
    onText?: (text: string) => void,
  ): Promise<TurnResult> {
    const { store, settings } = this.deps;
    const tenantId = invocation.caller.tenantId;

    const context = await this.freshContext(invocation, stored, now);
    const plan = planFold(unsummarized, settings.recentMessages, settings.historyTokenBudget);
    const memory = plan.fold.length > 0 ? await this.fold(invocation, conversation, plan.fold) : undefined;
    const summary = memory?.summary ?? conversation.summary;

    const rendered = renderPrompt(
      template,
      conversationPromptValues({
        ...(context?.snapshot ? { snapshot: context.snapshot } : {}),
        phase: conversation.phase,
        summary,
        extracted: conversation.extracted,
        exchanges: conversation.exchanges + (userText === undefined ? 0 : 1),
        userMessage: prompt,
      }),
    );
    const history = toModelMessages(
      [...plan.recent, { id: 'pending', seq: 0, role: 'user', text: rendered.user, createdAt: now.toISOString() }],
      OPENING_MESSAGE(conversation.topic),
    );
    const result = await callStructured(
      this.deps.gateway,
      {
        ...this.gatewayRequest(invocation, template, rendered.system, history, turnTool()),
        ...(userText ? { complexityText: userText } : {}),
        ...(onText ? { onDelta: replyTextStream(onText) } : {}),
      },
      turnOutputSchema,
    );
    if (!result.ok) throw new UpstreamUnavailableError('The coach could not answer just now; send your message again');
    const output = result.value;

    const revisit = userText !== undefined && asksToRevisit(userText);
    const { phase, corrected } = legalPhase(conversation.phase, output.phase, revisit);
    if (corrected)
      invocation.log.warn('illegal phase move corrected', {
        from: conversation.phase,
        proposed: output.phase,
        to: phase,
      });
    const gapsAfter = completionGaps(template, conversation.exchanges + (userText ? 1 : 0), {
      ...conversation.extracted,
      ...output.extracted,
    });
    const handoff = userText === undefined ? undefined : this.handoffReason(conversation, output);
    const lowConfidenceStreak =
      output.intent && output.intent.confidence < LOW_CONFIDENCE ? conversation.lowConfidenceStreak + 1 : 0;

    const assistant = {
      ...this.message(conversation.turn + 1, 'assistant', output.reply, now),
      phase,
      suggestedReplies: output.suggestedReplies,
    };
    await store.putMessage(tenantId, conversation.id, assistant, conversation.expiresAt);
    if (userText !== undefined && output.intent) {
      invocation.log.info('user message classified', {
        intent: output.intent.type,
        confidence: output.intent.confidence,
      });
    }
    const changes: Partial<Conversation> = {
      turn: conversation.turn + 1,
      phase,
      progress: output.progress,
      readyToComplete: output.readyToComplete && gapsAfter.length === 0,
      extracted: { ...conversation.extracted, ...output.extracted },
      exchanges: conversation.exchanges + (userText ? 1 : 0),
      summary,
      summarizedThrough: memory?.through ?? conversation.summarizedThrough,
      lowConfidenceStreak: handoff ? 0 : lowConfidenceStreak,
      ...(handoff ? { handoffRequestedAt: now.toISOString() } : {}),
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + days(settings.idleDays)).toISOString(),
    };
    const written = { ...changes, busyUntil: 0 };
    if (
      !(await store.update(
        tenantId,
        conversation.id,
        conversation.turn,
        written,
        context === stored.context ? undefined : context,
      ))
    ) {
      throw new ConflictError('The conversation changed while the coach was answering; reload it');
    }
    if (handoff) await this.requestHandoff(invocation, { ...conversation, ...changes }, handoff, userText ?? '');
    return {
      conversation: { ...conversation, ...changes },
      message: assistant,
      turn: {
        phase,
        progress: output.progress,
        readyToComplete: changes.readyToComplete ?? false,
        suggestedReplies: output.suggestedReplies,
        extracted: changes.extracted ?? {},
        phaseCorrected: corrected,
      },
      ...(handoff ? { handoff: { offered: true as const, reason: handoff } } : {}),
    };
  }

  /** Folds older messages into the running summary (a small model call; a plain transcript cut if that fails). */
  private async fold(
    invocation: Invocation,
    conversation: Conversation,
    messages: Message[],
  ): Promise<{ summary: string; through: number }> {
    const through = messages.at(-1)?.seq ?? conversation.summarizedThrough;
    try {
      const template = await this.deps.prompts.active('conversation_summary');
      const rendered = renderPrompt(template, {
        previous_summary: conversation.summary || 'none yet',
        messages: transcript(messages),
      });
      const result = await callStructured(
        this.deps.gateway,
        this.gatewayRequest(
          invocation,
          template,
          rendered.system,
          [{ role: 'user', text: rendered.user }],
          summaryTool(),
        ),
        summarySchema,
      );
      if (result.ok) return { summary: result.value.summary, through };
    } catch (error) {
      invocation.log.warn('summary call failed; folding the transcript', { error: String(error) });
    }
    return { summary: `${conversation.summary} ${transcript(messages)}`.trim().slice(-2000), through };
  }

  private handoffReason(conversation: Conversation, output: TurnOutput): 'escalate' | 'low_confidence' | undefined {
    if (output.intent?.type === 'escalate') return 'escalate';
    const unsure = output.intent !== undefined && output.intent.confidence < LOW_CONFIDENCE;
    return unsure && conversation.lowConfidenceStreak + 1 >= LOW_CONFIDENCE_STREAK ? 'low_confidence' : undefined;
  }

  private async requestHandoff(
    invocation: Invocation,
    conversation: Conversation,
    reason: 'escalate' | 'low_confidence',
    lastUserMessage: string,
  ): Promise<void> {
    try {
      await this.deps.handoff.publish({
        tenantId: conversation.tenantId,
        userId: conversation.userId,
        conversationId: conversation.id,
        topic: conversation.topic,
        phase: conversation.phase,
        reason,
        lastUserMessage,
        summary: conversation.summary,
        at: this.deps.clock().toISOString(),
      });
    } catch (error) {
      invocation.log.error('hand-off event not published', {
        error: error as Error,
        conversationId: conversation.id,
        reason,
      });
    }
  }

  /** The stored business context, fetched again when it is older than a day (or was never read). */
  private async freshContext(
    invocation: Invocation,
    stored: StoredConversation,
    now: Date,
  ): Promise<StoredConversation['context']> {
    const age = stored.context ? now.getTime() - Date.parse(stored.context.fetchedAt) : Number.POSITIVE_INFINITY;
    if (age <= this.deps.settings.contextMaxAgeMs) return stored.context;
    const snapshot = await this.deps.businessData.snapshot(onBehalfOf(invocation), [
      'foundation',
      'goals',
      'performance',
    ]);
    return { snapshot, fetchedAt: now.toISOString() };
  }

  private gatewayRequest(
    invocation: Invocation,
    template: PromptTemplate,
    system: string,
    messages: ReturnType<typeof toModelMessages>,
    tool: { name: string; description: string; inputSchema: Record<string, unknown> },
  ) {
    return { invocation, requestType: 'conversation' as const, template, system, messages, tool };
  }

  private message(seq: number, role: Message['role'], text: string, at: Date): Message {
    return { id: `msg-${seq}`, seq, role, text, createdAt: at.toISOString() };
  }

  /** A conversation of the caller's tenant that the caller may change: their own (others get 404). */
  private async owned(invocation: Invocation, id: string): Promise<StoredConversation> {
    const stored = await this.deps.store.get(invocation.caller.tenantId, id);
    if (!stored || stored.conversation.userId !== invocation.caller.userId)
      throw new NotFoundError(`No conversation "${id}"`);
    return stored;
  }

  /** A conversation the caller may read: their own, or any of the tenant's for a tenant admin. */
  private async visible(invocation: Invocation, id: string): Promise<StoredConversation> {
    const stored = await this.deps.store.get(invocation.caller.tenantId, id);
    if (!stored || (stored.conversation.userId !== invocation.caller.userId && !invocation.caller.isAdmin)) {
      throw new NotFoundError(`No conversation "${id}"`);
    }
    return stored;
  }

  private requireStatus(conversation: Conversation, status: ConversationStatus): void {
    if (conversation.status !== status) {
      throw new ConflictError(`The conversation is ${conversation.status}; this needs it ${status}`);
    }
  }

  /** Writes status-like changes, conditional on no turn having happened meanwhile. */
  private async change(
    invocation: Invocation,
    conversation: Conversation,
    changes: Partial<Conversation>,
  ): Promise<Conversation> {
    const updated = { ...changes, updatedAt: this.deps.clock().toISOString() };
    if (!(await this.deps.store.update(invocation.caller.tenantId, conversation.id, conversation.turn, updated))) {
      throw new ConflictError('The conversation changed meanwhile; reload it');
    }
    return { ...conversation, ...updated };
  }
}
