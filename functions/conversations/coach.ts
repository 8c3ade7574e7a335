import type { BusinessSnapshot } from '../shared/business-api/model';
import type { Invocation } from '../shared/invocation';
import type { PromptTemplate } from '../shared/prompts/template';
import type { Conversation, Message, Provenance, Spend, TurnOutput } from './model';

/** One turn as a coach takes it: the conversation before it, the memory of what was said, the owner's message. */
export interface CoachTurnRequest {
  readonly invocation: Invocation;
  /** The conversation before this turn. */
  readonly conversation: Conversation;
  /** The topic's template: its phases, questions and completion criteria. */
  readonly template: PromptTemplate;
  readonly snapshot: BusinessSnapshot;
  /** The running summary of older messages, with this turn's fold applied. */
  readonly summary: string;
  /** The messages not folded into the summary, oldest first, before this turn's. */
  readonly recent: readonly Message[];
  /** How many messages the owner has sent, this one included (0 on the opening turn). */
  readonly exchanges: number;
  /** The owner's message; absent on the opening turn. */
  readonly userText?: string;
  /** Receives the reply's text as it is written (a streamed turn). */
  readonly onText?: (text: string) => void;
}

/** The coach's turn, who wrote it, and what its model calls used. */
export interface CoachTurn {
  readonly output: TurnOutput;
  readonly provenance: Provenance;
  readonly spend: Spend;
}

/** Older messages to fold into the running summary. */
export interface CoachFoldRequest {
  readonly invocation: Invocation;
  readonly conversation: Conversation;
  readonly messages: readonly Message[];
}

/** A session to complete: the conversation and its messages not folded into the summary. */
export interface CoachOutcomeRequest {
  readonly invocation: Invocation;
  readonly conversation: Conversation;
  readonly messages: readonly Message[];
}

/** A session's outcome in its topic's schema, who wrote it, and what its model calls used. */
export interface CoachOutcome {
  readonly outcome: Record<string, unknown>;
  readonly provenance: Provenance;
  readonly spend: Spend;
}

/** A running summary, and what its model calls used. */
export interface CoachSummary {
  readonly summary: string;
  readonly spend: Spend;
}

/**
 * Who answers the owner in a conversation: a model through the gateway (ModelCoach), or, with no model configured,
 * the offline coach (OfflineCoach). Both answer with the same validated shapes; the turn engine applies the phase
 * rules and completion criteria to either.
 */
export interface Coach {
  /** The coach's turn: the reply, where the session stands, the outcome so far. */
  turn(request: CoachTurnRequest): Promise<CoachTurn>;
  /** The running summary with `messages` folded in. */
  fold(request: CoachFoldRequest): Promise<CoachSummary>;
  /** The session's outcome, valid against the topic's outcome schema. */
  outcome(request: CoachOutcomeRequest): Promise<CoachOutcome>;
}
