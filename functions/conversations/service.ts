import { randomUUID } from 'node:crypto';
import { onBehalfOf } from '../shared/business-api/port';
import type { Invocation } from '../shared/invocation';
import { outcomeSchemas, type Conversation, type ConversationTopic, type Feedback, type Message } from './model';
import { upToTurn, type ConversationListQuery, type StoredConversation, type TurnChanges } from './store';
import { TurnEngine, type ConversationDependencies, type TurnResult } from './turn-engine';
import { completionGaps, daysAfter, newConversation, recap, requireStatus, usageAfter } from './turns';
import { ConflictError, NotFoundError, UnprocessableError } from '../shared/errors';
import { offsetCursor, offsetOf } from '../shared/pagination';
import { fieldProblems } from '../shared/problems';

/**
 * Coaching conversations: open a session on a topic, take turns (the turn engine: structured, phase-checked, with
 * memory folding), pause and resume with a recap, complete with a validated outcome the owner can accept or edit,
 * feedback, and a human hand-off when the owner asks for one or the coach keeps misreading them. One turn at a time
 * per conversation: a racing reply gets 409 and nothing is lost.
 */
export class ConversationService {
  private readonly turns: TurnEngine;

  constructor(private readonly deps: ConversationDependencies) {
    this.turns = new TurnEngine(deps);
  }

  /**
   * Opens a session and returns the coach's opening turn; the conversation is stored only with that turn, so a start
   * that fails (the model unavailable, a limit reached) leaves nothing behind.
   */
  async start(invocation: Invocation, topic: ConversationTopic): Promise<TurnResult> {
    const { clock, settings } = this.deps;
    const template = await this.deps.prompts.active(topic);
    const now = clock();
    const snapshot = await this.deps.businessData.snapshot(onBehalfOf(invocation), [
      'foundation',
      'goals',
      'performance',
    ]);
    const conversation = newConversation({
      id: randomUUID(),
      tenantId: invocation.caller.tenantId,
      userId: invocation.caller.userId,
      topic,
      promptVersion: template.version,
      now,
      idleDays: settings.idleDays,
    });
    const stored: StoredConversation = { conversation, context: { snapshot, fetchedAt: now.toISOString() } };
    return this.turns.open({ invocation, stored, template });
  }

  /** The coach's answer to the owner's message; with `onText`, the reply's text is streamed as it is written. */
  async reply(invocation: Invocation, id: string, text: string, onText?: (text: string) => void): Promise<TurnResult> {
    return this.turns.reply({ invocation, conversationId: id, text, ...(onText ? { onText } : {}) });
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

  /**
   * One conversation with a page of its messages, oldest first; the page's cursor (absent on the last page) leads
   * to the next, and opens only on this conversation of this tenant.
   */
  async get(
    invocation: Invocation,
    id: string,
    page: { cursor?: string; pageSize: number },
  ): Promise<{
    conversation: Conversation;
    messages: Message[];
    pageSize: number;
    cursor?: string;
    totalMessages: number;
  }> {
    const { conversation } = await this.visible(invocation, id);
    const scope = `conversation-messages|${invocation.caller.tenantId}|${id}`;
    const offset = await offsetOf(scope, page.cursor);
    const messages = await this.deps.store.messages(invocation.caller.tenantId, id, offset, page.pageSize);
    const cursor = await offsetCursor(scope, offset + page.pageSize, conversation.turn);
    return {
      conversation,
      messages: upToTurn(messages, conversation),
      pageSize: page.pageSize,
      ...(cursor ? { cursor } : {}),
      totalMessages: conversation.turn,
    };
  }

  /** Pauses an active conversation; its state is kept as it is. */
  async pause(invocation: Invocation, id: string): Promise<Conversation> {
    const stored = await this.owned(invocation, id);
    requireStatus(stored.conversation, 'active');
    return this.change(invocation, stored, { status: 'paused' });
  }

  /** Resumes a paused conversation with a short recap of where it stood. */
  async resume(invocation: Invocation, id: string): Promise<{ conversation: Conversation; recap: string }> {
    const stored = await this.owned(invocation, id);
    requireStatus(stored.conversation, 'paused');
    const conversation = await this.change(invocation, stored, { status: 'active' });
    const messages = upToTurn(await this.deps.store.messages(invocation.caller.tenantId, id), conversation);
    const lastQuestion = messages.findLast((message) => message.role === 'assistant')?.text;
    return { conversation, recap: recap(conversation, lastQuestion) };
  }

  /**
   * Completes the session: the coach puts the outcome into the topic's schema, kept (with its provenance) for the owner
   * to accept or edit.
   */
  async complete(
    invocation: Invocation,
    id: string,
  ): Promise<{ conversation: Conversation; outcome: Record<string, unknown> }> {
    const stored = await this.owned(invocation, id);
    const { conversation } = stored;
    requireStatus(conversation, 'active');
    const template = await this.deps.prompts.active(conversation.topic);
    const gaps = completionGaps(template, conversation.exchanges, conversation.extracted);
    if (gaps.length > 0) {
      throw new UnprocessableError(
        'The session is not ready to complete',
        gaps.map((gap) => ({ field: 'conversation', message: `needs ${gap}` })),
        'not_ready',
      );
    }
    const messages = upToTurn(
      await this.deps.store.messages(invocation.caller.tenantId, id, conversation.summarizedThrough),
      conversation,
    );
    const { outcome, provenance, spend } = await this.deps.coach.outcome({ invocation, conversation, messages });
    const now = this.deps.clock();
    const completed = await this.change(invocation, stored, {
      status: 'completed',
      phase: 'completion',
      progress: 1,
      outcome,
      outcomeStatus: 'proposed',
      outcomeProvenance: provenance,
      expiresAt: daysAfter(now, this.deps.settings.outcomeRetentionDays),
      spent: spend,
    });
    return { conversation: completed, outcome };
  }

  /** Accepts the proposed outcome, or replaces it with the owner's edit (validated against the topic's schema). */
  async saveOutcome(
    invocation: Invocation,
    id: string,
    edit: { outcome?: unknown; accept: boolean },
  ): Promise<Conversation> {
    const stored = await this.owned(invocation, id);
    requireStatus(stored.conversation, 'completed');
    const outcome = edit.outcome === undefined ? stored.conversation.outcome : edit.outcome;
    const parsed = outcomeSchemas[stored.conversation.topic].safeParse(outcome);
    if (!parsed.success) {
      throw new UnprocessableError(
        'The outcome does not match the topic',
        fieldProblems(outcomeSchemas[stored.conversation.topic], parsed.error.issues, outcome, { prefix: 'outcome' }),
        'invalid_outcome',
      );
    }
    return this.change(invocation, stored, {
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

  /**
   * Writes status-like changes (and what they spent), conditional on no turn having happened meanwhile, and counts
   * the activity.
   */
  private async change(
    invocation: Invocation,
    stored: StoredConversation,
    changes: TurnChanges,
  ): Promise<Conversation> {
    const { conversation } = stored;
    const { spent, ...fields } = changes;
    const updated = { ...changes, updatedAt: this.deps.clock().toISOString() };
    if (!(await this.deps.store.update(invocation.caller.tenantId, conversation.id, conversation.turn, updated))) {
      throw new ConflictError('The conversation changed meanwhile; reload it');
    }
    const usage = spent ? usageAfter(conversation.usage, spent) : conversation.usage;
    const after = { ...conversation, ...fields, updatedAt: updated.updatedAt, usage };
    this.deps.activity.changed(invocation, stored, after);
    return after;
  }
}
