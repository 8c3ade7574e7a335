import type { ModelMessage } from '../shared/llm/port';
import { estimateTokens } from '../shared/llm/tokens';
import type { PromptTemplate } from '../shared/prompts/template';
import {
  phases,
  type Conversation,
  type ConversationUsage,
  type Spend,
  type ConversationStatus,
  type ConversationTopic,
  type Message,
  type Phase,
  type TurnOutput,
} from './model';
import { ConflictError } from '../shared/errors';

const DAY_MS = 86_400_000;

/** `count` days after `from`, as the ISO time an expiry is stored as. */
export const daysAfter = (from: Date, count: number): string => new Date(from.getTime() + count * DAY_MS).toISOString();

/** No model call: the spend of an offline turn. */
export const NO_SPEND: Spend = { inputTokens: 0, outputTokens: 0, costMicros: 0 };

/** Two spends added up. */
export const addSpend = (a: Spend, b: Spend): Spend => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  costMicros: a.costMicros + b.costMicros,
});

const MICROS_PER_USD = 1_000_000;

/** A conversation's usage as shown, from its counters (cost in micro-dollars). */
export const usageOf = (spend: Spend): ConversationUsage => ({
  inputTokens: spend.inputTokens,
  outputTokens: spend.outputTokens,
  costUsd: spend.costMicros / MICROS_PER_USD,
});

/** The counters behind a conversation's usage. */
export const spendOf = (usage: ConversationUsage): Spend => ({
  inputTokens: usage.inputTokens,
  outputTokens: usage.outputTokens,
  costMicros: Math.round(usage.costUsd * MICROS_PER_USD),
});

/** A conversation's usage once `spend` is added to it. */
export const usageAfter = (usage: ConversationUsage, spend: Spend): ConversationUsage =>
  usageOf(addSpend(spendOf(usage), spend));

/** A conversation as it is opened: active, in the introduction, nothing said yet; idle for `idleDays` it expires. */
export const newConversation = (opening: {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly topic: ConversationTopic;
  readonly promptVersion: string;
  readonly now: Date;
  readonly idleDays: number;
}): Conversation => ({
  id: opening.id,
  tenantId: opening.tenantId,
  userId: opening.userId,
  topic: opening.topic,
  promptVersion: opening.promptVersion,
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
  usage: usageOf(NO_SPEND),
  createdAt: opening.now.toISOString(),
  updatedAt: opening.now.toISOString(),
  expiresAt: daysAfter(opening.now, opening.idleDays),
});

/** A message in slot `seq` (its id is `msg-<seq>`). */
export const newMessage = (seq: number, role: Message['role'], text: string, at: Date): Message => ({
  id: `msg-${seq}`,
  seq,
  role,
  text,
  createdAt: at.toISOString(),
});

/** The 409 of a use case that needs the conversation in another status; undefined when it is in `status`. */
export const statusConflict = (conversation: Conversation, status: ConversationStatus): ConflictError | undefined =>
  conversation.status === status
    ? undefined
    : new ConflictError(`The conversation is ${conversation.status}; this needs it ${status}`);

/** Refuses a use case that needs the conversation in another status (409). */
export const requireStatus = (conversation: Conversation, status: ConversationStatus): void => {
  const conflict = statusConflict(conversation, status);
  if (conflict) throw conflict;
};

const REVISIT =
  /\b(go(ing)? back|revisit|return to|back to (the )?(start|beginning|introduction|exploration|synthesis|validation))\b/i;

/** True when the user asks to go back to an earlier part of the session. */
export const asksToRevisit = (text: string): boolean => REVISIT.test(text);

/**
 * The phase a turn may move to: the same or the next one; an earlier one only when the user asked to revisit.
 * Anything else the model proposes is corrected (and the correction reported).
 */
export const legalPhase = (current: Phase, proposed: Phase, revisit: boolean): { phase: Phase; corrected: boolean } => {
  const from = phases.indexOf(current);
  const to = phases.indexOf(proposed);
  if (to === from || to === from + 1 || (to < from && revisit)) return { phase: proposed, corrected: false };
  return { phase: phases[to > from ? from + 1 : from] as Phase, corrected: true };
};

/** What still stands between a session and its completion, per the template's criteria (empty: it may complete). */
export const completionGaps = (
  template: PromptTemplate,
  exchanges: number,
  extracted: Readonly<Record<string, unknown>>,
): string[] => {
  const criteria = template.completion;
  if (!criteria) return [];
  const missing = criteria.required_fields.filter((field) => {
    const value = extracted[field];
    return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  });
  return [
    ...(exchanges < criteria.min_exchanges
      ? [`at least ${criteria.min_exchanges} exchanges (so far ${exchanges})`]
      : []),
    ...missing.map((field) => `the outcome's ${field}`),
  ];
};

/**
 * Converse wants alternating roles starting with the user: the stored history (which starts with the coach's
 * opening) gets the opener in front, and consecutive messages of one role are joined.
 */
export const toModelMessages = (history: readonly Pick<Message, 'role' | 'text'>[], opener: string): ModelMessage[] => {
  const messages: ModelMessage[] = [];
  for (const message of history) {
    const last = messages.at(-1);
    if (last?.role === message.role)
      messages[messages.length - 1] = { role: last.role, text: `${last.text}\n\n${message.text}` };
    else messages.push({ role: message.role, text: message.text });
  }
  return messages[0]?.role === 'assistant' ? [{ role: 'user', text: opener }, ...messages] : messages;
};

/**
 * Splits the not-yet-summarized history: when it is over the token budget, all but the `keep` most recent messages
 * are to be folded into the summary; otherwise nothing is.
 */
export const planFold = (
  unsummarized: readonly Message[],
  keep: number,
  tokenBudget: number,
): { fold: Message[]; recent: Message[] } => {
  const tokens = unsummarized.reduce((total, message) => total + estimateTokens(message.text), 0);
  if (tokens <= tokenBudget || unsummarized.length <= keep) return { fold: [], recent: [...unsummarized] };
  return { fold: unsummarized.slice(0, -keep), recent: unsummarized.slice(-keep) };
};

/** A transcript for a prompt: one line per message. */
export const transcript = (messages: readonly Message[]): string =>
  messages.map((message) => `${message.role === 'user' ? 'Owner' : 'Coach'}: ${message.text}`).join('\n') || 'none';

/** How long a running summary may grow; a transcript fold keeps its end. */
const SUMMARY_MAX_CHARS = 2000;

/** The running summary with `messages` appended as a transcript, cut to its end: the fold that needs no model. */
export const foldTranscript = (summary: string, messages: readonly Message[]): string =>
  `${summary} ${transcript(messages)}`.trim().slice(-SUMMARY_MAX_CHARS);

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Turns the tool input JSON, as it streams in, into the text of its `reply` field as it streams: returns a sink for
 * JSON fragments that calls `onText` with each newly decoded piece of the reply (escapes decoded, nothing twice).
 */
export const replyTextStream = (onText: (text: string) => void): ((fragment: string) => void) => {
  let buffer = '';
  let position = -1;
  let done = false;
  return (fragment) => {
    if (done) return;
    buffer += fragment;
    if (position < 0) {
      const start = /"reply"\s*:\s*"/.exec(buffer);
      if (!start) return;
      position = start.index + start[0].length;
    }
    let text = '';
    while (position < buffer.length) {
      const char = buffer[position] as string;
      if (char === '"') {
        done = true;
        break;
      }
      if (char !== '\\') {
        text += char;
        position += 1;
        continue;
      }
      const code = buffer[position + 1];
      if (code === undefined) break;
      if (code === 'u') {
        const hex = buffer.slice(position + 2, position + 6);
        if (hex.length < 4) break;
        text += String.fromCharCode(Number.parseInt(hex, 16));
        position += 6;
      } else {
        text += ESCAPES[code] ?? code;
        position += 2;
      }
    }
    if (text) onText(text);
  };
};

/** Below this confidence a classification counts as unsure; two unsure messages in a row offer a human. */
export const LOW_CONFIDENCE = 0.5;
const LOW_CONFIDENCE_STREAK = 2;

/**
 * Whether a turn offers a human, and the run of unsure classifications after it: only an answer to the owner's
 * message offers one, when they escalated or the coach was unsure of them LOW_CONFIDENCE_STREAK times in a row; an
 * offer starts the run again.
 */
export const handoffAfter = (
  lowConfidenceStreak: number,
  intent: TurnOutput['intent'],
  replying: boolean,
): { reason?: 'escalate' | 'low_confidence'; lowConfidenceStreak: number } => {
  const unsure = intent !== undefined && intent.confidence < LOW_CONFIDENCE;
  const streak = unsure ? lowConfidenceStreak + 1 : 0;
  const reason =
    intent?.type === 'escalate' ? 'escalate' : unsure && streak >= LOW_CONFIDENCE_STREAK ? 'low_confidence' : undefined;
  return replying && reason ? { reason, lowConfidenceStreak: 0 } : { lowConfidenceStreak: streak };
};

/** What a resumed conversation opens with: the phase and progress, the summary, the draft, the last question. */
export const recap = (conversation: Conversation, lastQuestion: string | undefined): string => {
  const extracted = Object.keys(conversation.extracted).length > 0 ? JSON.stringify(conversation.extracted) : undefined;
  return [
    `Welcome back. We were in the ${conversation.phase} phase, about ${Math.round(conversation.progress * 100)}% of the way.`,
    conversation.summary && `So far: ${conversation.summary}`,
    extracted && `What we have drafted: ${extracted}`,
    lastQuestion && `Where we left off: ${lastQuestion}`,
  ]
    .filter(Boolean)
    .join('\n');
};
