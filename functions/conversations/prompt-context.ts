import { renderFoundation, renderGoals, renderPerformance, renderSource } from '../insights/prompt-context';
import type { BusinessSnapshot } from '../shared/business-api/model';
import type { ConversationTopic, Phase } from './model';

/** The variables every conversation template declares, exactly these (checked by the prompt tests). */
export const conversationPromptVariables = [
  'business_context',
  'phase',
  'conversation_summary',
  'extracted_so_far',
  'exchanges',
  'user_message',
] as const;

/** One conversation template variable. */
export type ConversationPromptVariable = (typeof conversationPromptVariables)[number];

/** The conversation template variables, rendered compactly. */
export type ConversationPromptValues = Readonly<Record<ConversationPromptVariable, string>>;

/** What one conversation turn's prompt is built from. */
export interface ConversationPromptInput {
  /** The tenant's business data; absent when it could not be read at all. */
  readonly snapshot?: BusinessSnapshot;
  /** The phase the session is in before this turn. */
  readonly phase: Phase;
  /** A running summary of the conversation so far; empty before there is one. */
  readonly summary: string;
  /** The outcome so far, shaped (partially) like the topic's outcome schema; empty at the start. */
  readonly extracted: Record<string, unknown>;
  /** How many messages the user has sent in this session, the current one included: 0 on the opening turn. */
  readonly exchanges: number;
  /** The user's message, or OPENING_MESSAGE(topic) on the opening turn. */
  readonly userMessage: string;
}

/** What the prompt says for business data that is missing, as a whole or per source. */
const NOT_AVAILABLE = 'not available';
const NO_SUMMARY = 'none yet';
const NOTHING_EXTRACTED = 'nothing yet';

/** How each topic is named in a sentence. */
const topicNames: Readonly<Record<ConversationTopic, string>> = {
  core_values: 'core values',
  purpose: 'purpose',
  vision: 'vision',
  business_coaching: 'business coaching',
};

/**
 * The company as a coaching conversation needs it: the profile (including vision, purpose and core values), the
 * goals with status and progress, and the performance score with its components. Reuses the insights renderers;
 * a source that could not be read, or the whole snapshot when absent, reads "not available".
 */
const businessContext = (snapshot: BusinessSnapshot | undefined): string => {
  const sections: ReadonlyArray<readonly [string, (snapshot: BusinessSnapshot) => string]> = [
    ['COMPANY', (s) => renderSource(s, 'foundation', s.foundation, renderFoundation, NOT_AVAILABLE)],
    ['GOALS', (s) => renderSource(s, 'goals', s.goals, renderGoals, NOT_AVAILABLE)],
    ['PERFORMANCE SCORE', (s) => renderSource(s, 'performance', s.performance, renderPerformance, NOT_AVAILABLE)],
  ];
  return sections
    .map(([heading, render]) => `${heading}\n${snapshot === undefined ? NOT_AVAILABLE : render(snapshot)}`)
    .join('\n\n');
};

/** The outcome so far as compact JSON, or "nothing yet" when nothing is known. */
const extractedSoFar = (extracted: Record<string, unknown>): string => {
  const json = JSON.stringify(extracted);
  return json === undefined || json === '{}' ? NOTHING_EXTRACTED : json;
};

/** Builds the values of a conversation template for one turn. */
export const conversationPromptValues = (input: ConversationPromptInput): ConversationPromptValues => ({
  business_context: businessContext(input.snapshot),
  phase: input.phase,
  conversation_summary: input.summary.trim() === '' ? NO_SUMMARY : input.summary.trim(),
  extracted_so_far: extractedSoFar(input.extracted),
  exchanges: String(input.exchanges),
  user_message: input.userMessage,
});

/**
 * The fixed user message of a session's opening turn: a note from the app (in parentheses, which the templates
 * recognise) asking the coach to open the session.
 */
export const OPENING_MESSAGE = (topic: ConversationTopic): string =>
  `(The user has just opened a ${topicNames[topic]} session. Greet them warmly, explain in two sentences how the ` +
  'session works, and ask your first question.)';
