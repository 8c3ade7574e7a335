import { onBehalfOf, type BusinessData } from '../shared/business-api/port';
import type { Invocation } from '../shared/invocation';
import type { PromptStore, PromptTemplate } from '../shared/prompts/template';
import type { Coach, CoachSummary } from './coach';
import type { HandoffDesk } from './handoff';
import type { ConversationActivity } from './stats';
import type { Conversation, Message, TurnOutput } from './model';
import {
  upToTurn,
  type ConversationContext,
  type ConversationStore,
  type StoredConversation,
  type TurnChanges,
  type TurnHold,
} from './store';
import {
  addSpend,
  asksToRevisit,
  completionGaps,
  daysAfter,
  handoffAfter,
  legalPhase,
  newMessage,
  NO_SPEND,
  planFold,
  statusConflict,
  usageAfter,
} from './turns';
import { type AppError, ConflictError, ModelTimeoutError, NotFoundError } from '../shared/errors';

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
  /** Who answers: a model through the gateway, or the offline coach. */
  readonly coach: Coach;
  /** Counts starts, activity and completions for the usage report. */
  readonly activity: ConversationActivity;
  readonly businessData: BusinessData;
  /** Takes the hand-offs: a support ticket with the recent history, and the HumanHandoffRequested event. */
  readonly handoff: HandoffDesk;
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

/** The coach's opening turn of a new conversation, which is stored with it. */
export interface OpeningTurn {
  readonly invocation: Invocation;
  readonly stored: StoredConversation;
  readonly template: PromptTemplate;
}

/** The owner's message to one of their conversations, and where to stream the reply's text (optional). */
export interface ReplyTurn {
  readonly invocation: Invocation;
  readonly conversationId: string;
  readonly text: string;
  readonly onText?: (text: string) => void;
}

/** One turn as the model takes it: the conversation as claimed, its unsummarized history and the owner's message. */
interface Turn {
  readonly invocation: Invocation;
  readonly stored: StoredConversation;
  readonly template: PromptTemplate;
  /** Messages not yet folded into the summary, before this turn's. */
  readonly history: readonly Message[];
  /** The owner's message; absent on the opening turn. */
  readonly userText?: string;
  readonly onText?: (text: string) => void;
  readonly now: Date;
  /** The reply's hold on the conversation; absent on the opening turn (the conversation is not stored yet). */
  readonly hold?: TurnHold;
}

/**
 * How long a turn's hold outlasts its invocation's deadline: the transport's margin to answer after it, and clock
 * skew. So a hold never outlives the function that took it, even when Lambda kills it without a release.
 */
export const TURN_HOLD_GRACE_MS = 5_000;

/**
 * The turn engine: the coach's turn of a conversation, within the invocation's deadline. A reply first claims the
 * turn (one conditional write that also reads the conversation), holding it until shortly after the deadline, so a
 * racing reply loses before it costs a model call, and a hold outlives no function; then the template and the
 * history are read, older messages are folded into the running summary past the token budget, the coach answers
 * with the (refreshed when old) business context (a model through the gateway, cut at the deadline, or the offline
 * coach), the phase rules and completion criteria are applied, and the owner's message and the answer are stored
 * together with the conversation's new state and what the turn spent, which also ends the hold (one round trip): a
 * turn that fails stores nothing of itself, and gives the hold back at once. Sequential round trips of a reply: the
 * claim; template and history; the gateway's rate count and reservation; the messages and the new state.
 * Escalations and repeated misreadings offer a human.
 */
export class TurnEngine {
  constructor(private readonly deps: ConversationDependencies) {}

  /** The coach's opening turn of a new conversation (not stored yet, so nobody else knows it: no claim). */
  async open(opening: OpeningTurn): Promise<TurnResult> {
    return this.answer({ ...opening, history: [], now: this.deps.clock() });
  }

  /** The coach's answer to the owner's message: 404 when it is not theirs, 409 when not active or busy. */
  async reply({ invocation, conversationId, text, onText }: ReplyTurn): Promise<TurnResult> {
    const { store, prompts, clock } = this.deps;
    const { tenantId, userId } = invocation.caller;
    const now = clock();
    // On this clock, the hold ends shortly after the deadline: by then the function that took it has answered or died.
    const busyUntil = now.getTime() + invocation.deadline.remainingMs() + TURN_HOLD_GRACE_MS;
    const stored = await store.claimTurn(tenantId, conversationId, { userId, now, busyUntil });
    if (!stored) throw await this.refusal(invocation, conversationId);
    const { conversation } = stored;
    const hold: TurnHold = { turn: conversation.turn, busyUntil };
    try {
      const [template, history] = await Promise.all([
        prompts.active(conversation.topic),
        store.messages(tenantId, conversation.id, conversation.summarizedThrough),
      ]);
      return await this.answer({
        invocation,
        stored,
        template,
        history: upToTurn(history, conversation),
        userText: text,
        ...(onText ? { onText } : {}),
        now,
        hold,
      });
    } catch (error) {
      await this.release(invocation, conversation, hold);
      throw error;
    }
  }

  /** Why a claim was refused: the conversation is not the caller's (404), not active (409), or busy (409). */
  private async refusal(invocation: Invocation, id: string): Promise<AppError> {
    const stored = await this.deps.store.get(invocation.caller.tenantId, id);
    if (!stored || stored.conversation.userId !== invocation.caller.userId) {
      return new NotFoundError(`No conversation "${id}"`);
    }
    return (
      statusConflict(stored.conversation, 'active') ??
      new ConflictError('Another reply to this conversation is in progress; try again')
    );
  }

  /** Gives a failed turn's hold back (if it still holds the conversation); the turn's own error is what counts. */
  private async release(invocation: Invocation, conversation: Conversation, hold: TurnHold): Promise<void> {
    try {
      await this.deps.store.releaseTurn(invocation.caller.tenantId, conversation.id, hold);
    } catch (error) {
      invocation.log.error('turn hold not released; it lapses by itself', {
        error: error as Error,
        conversationId: conversation.id,
      });
    }
  }

  /** The model's turn on the conversation as claimed: memory, prompt, call, phase rules, and the stored answer. */
  private async answer(turn: Turn): Promise<TurnResult> {
    const { invocation, stored, template, userText, now } = turn;
    const { settings } = this.deps;
    const { conversation } = stored;
    const replying = userText !== undefined;

    const context = await this.freshContext(invocation, stored, now);
    const plan = planFold(turn.history, settings.recentMessages, settings.historyTokenBudget);
    const lastFolded = plan.fold.at(-1);
    const memory = lastFolded ? await this.fold(invocation, conversation, plan.fold, lastFolded.seq) : undefined;
    const summary = memory?.summary ?? conversation.summary;
    const exchanges = conversation.exchanges + (replying ? 1 : 0);

    const { output, provenance, spend } = await this.deps.coach.turn({
      invocation,
      conversation,
      template,
      snapshot: context.snapshot,
      summary,
      recent: plan.recent,
      exchanges,
      ...(userText === undefined ? {} : { userText }),
      ...(turn.onText ? { onText: turn.onText } : {}),
    });
    if (replying && output.intent) {
      invocation.log.info('user message classified', {
        intent: output.intent.type,
        confidence: output.intent.confidence,
      });
    }

    const { phase, corrected } = legalPhase(conversation.phase, output.phase, replying && asksToRevisit(userText));
    if (corrected) {
      invocation.log.warn('illegal phase move corrected', {
        from: conversation.phase,
        proposed: output.phase,
        to: phase,
      });
    }
    const extracted = { ...conversation.extracted, ...output.extracted };
    const readyToComplete = output.readyToComplete && completionGaps(template, exchanges, extracted).length === 0;
    const handoff = handoffAfter(conversation.lowConfidenceStreak, output.intent, replying);

    // The owner's message and the answer take the next slots, stored only with the turn that answers them.
    const owner = userText === undefined ? undefined : newMessage(conversation.turn + 1, 'user', userText, now);
    const assistant: Message = {
      ...newMessage(conversation.turn + (owner ? 2 : 1), 'assistant', output.reply, now),
      phase,
      suggestedReplies: output.suggestedReplies,
      provenance,
    };
    const spent = addSpend(memory?.spend ?? NO_SPEND, spend);
    const fields: TurnChanges = {
      turn: assistant.seq,
      phase,
      progress: output.progress,
      readyToComplete,
      extracted,
      exchanges,
      summary,
      summarizedThrough: memory?.through ?? conversation.summarizedThrough,
      lowConfidenceStreak: handoff.lowConfidenceStreak,
      ...(handoff.reason ? { handoffRequestedAt: now.toISOString() } : {}),
      updatedAt: now.toISOString(),
      expiresAt: daysAfter(now, settings.idleDays),
    };
    const after: Conversation = {
      ...conversation,
      ...fields,
      usage: usageAfter(conversation.usage, spent),
    };
    await this.storeTurn(turn, owner ? [owner, assistant] : [assistant], { ...fields, spent }, after, context);
    if (turn.hold) this.deps.activity.changed(invocation, stored, after);
    else this.deps.activity.opened(invocation, after);
    if (handoff.reason && userText !== undefined)
      await this.requestHandoff(invocation, after, handoff.reason, userText);
    return {
      conversation: after,
      message: assistant,
      turn: {
        phase,
        progress: output.progress,
        readyToComplete,
        suggestedReplies: output.suggestedReplies,
        extracted,
        phaseCorrected: corrected,
      },
      ...(handoff.reason ? { handoff: { offered: true as const, reason: handoff.reason } } : {}),
    };
  }

  /**
   * Stores a turn in one round trip: its messages in their slots while the conversation moves on to them (which
   * ends the hold), conditional on the turn as claimed; an opening turn creates the conversation with its first
   * message, so a start that fails stores no conversation (a message written beside a create that failed belongs to
   * no conversation: nothing reads it, and it expires). Past the deadline nothing is stored: the transport answers
   * with the error instead, in its margin. A message whose write failed while the turn moved on is written again
   * (its slot is the hold's).
   */
  private async storeTurn(
    turn: Turn,
    messages: readonly Message[],
    changes: TurnChanges,
    after: Conversation,
    context: ConversationContext,
  ): Promise<void> {
    const { invocation, stored, hold } = turn;
    const { store } = this.deps;
    const { tenantId } = invocation.caller;
    const { conversation } = stored;
    if (invocation.deadline.remainingMs() <= 0) {
      throw new ModelTimeoutError('The turn ran past its deadline before its answer could be stored');
    }
    const newContext = context === stored.context ? undefined : context;
    // The opening's message is written as if under a hold that ended when the conversation was opened.
    const heldBy = hold?.busyUntil ?? Date.parse(conversation.createdAt);
    const put = (message: Message) =>
      store.putMessage(tenantId, conversation.id, message, conversation.expiresAt, heldBy);
    const [moved, ...puts] = await Promise.allSettled([
      hold
        ? store.finishTurn(tenantId, conversation.id, hold, changes, newContext)
        : store.create(after, context).then(() => true),
      ...messages.map(put),
    ]);
    if (moved.status === 'rejected') throw moved.reason;
    // Losing the turn says more than a taken message slot that comes with it.
    if (!moved.value) throw new ConflictError('The conversation changed while the coach was answering; reload it');
    await Promise.all(messages.filter((_, i) => puts[i]?.status === 'rejected').map(put));
  }

  /** Folds older messages, up to `through`, into the running summary (the coach's fold). */
  private async fold(
    invocation: Invocation,
    conversation: Conversation,
    messages: Message[],
    through: number,
  ): Promise<CoachSummary & { through: number }> {
    return { ...(await this.deps.coach.fold({ invocation, conversation, messages })), through };
  }

  /**
   * Hands the conversation to a human: the support desk opens a ticket with its recent history (stored by now) and
   * publishes the event naming it. A failure is logged; the owner still gets the coach's answer and the offer.
   */
  private async requestHandoff(
    invocation: Invocation,
    conversation: Conversation,
    reason: 'escalate' | 'low_confidence',
    lastUserMessage: string,
  ): Promise<void> {
    try {
      const { ticketId } = await this.deps.handoff.handOff(invocation, { conversation, reason, lastUserMessage });
      invocation.log.info('hand-off ticket opened', { conversationId: conversation.id, reason, ticketId });
    } catch (error) {
      invocation.log.error('hand-off not opened (no ticket or no event)', {
        error: error as Error,
        conversationId: conversation.id,
        reason,
      });
    }
  }

  /** The stored business context, fetched again when it is older than `contextMaxAgeMs` (or was never read). */
  private async freshContext(
    invocation: Invocation,
    stored: StoredConversation,
    now: Date,
  ): Promise<ConversationContext> {
    const { context } = stored;
    if (context && now.getTime() - Date.parse(context.fetchedAt) <= this.deps.settings.contextMaxAgeMs) return context;
    const snapshot = await this.deps.businessData.snapshot(onBehalfOf(invocation), [
      'foundation',
      'goals',
      'performance',
    ]);
    return { snapshot, fetchedAt: now.toISOString() };
  }
}
