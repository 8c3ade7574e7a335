import type { ModelMessage } from '../shared/llm/port';
import { estimateTokens } from '../shared/llm/tokens';
import type { PromptTemplate } from '../shared/prompts/template';
import { phases, type Message, type Phase } from './model';

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
export const toModelMessages = (history: readonly Message[], opener: string): ModelMessage[] => {
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
