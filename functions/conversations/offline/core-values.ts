import { asSentence, tidy, listItems } from './words';
import { bullets, type Draft, type FollowUp, type Script } from './script';

/** A value as the owner names it; meaning and behavior come as they are told. */
interface DraftValue {
  readonly name: string;
  readonly meaning?: string;
  readonly behavior?: string;
}

/** Bounds of the core values outcome schema. */
const NAME = { min: 2, max: 60 };
const TEXT = { min: 10, max: 400 };
const MAX_VALUES = 7;
const MIN_VALUES = 3;

/** How the owner writes a value. */
const VALUE_FORM = 'name: what it means: what someone would be seen doing';
/** How the owner changes the draft. */
const EDIT_HINT = 'To change one, write it as name: meaning: behavior; to take one out, write “remove” and its name.';

const valuesOf = (draft: Draft): DraftValue[] =>
  Array.isArray(draft.values) ? (draft.values as DraftValue[]).filter((value) => typeof value?.name === 'string') : [];

const isComplete = (value: DraftValue): boolean => value.meaning !== undefined && value.behavior !== undefined;

/** A meaning or behavior in the owner's words, when long enough to say something. */
const readPart = (text: string | undefined): string | undefined => {
  const sentence = text === undefined ? '' : asSentence(text, TEXT.max);
  return sentence.length >= TEXT.min ? sentence : undefined;
};

/** The most words a value's name has when several are listed on one line (`Show up on time`). */
const MAX_LISTED_NAME_WORDS = 4;

/**
 * The names a single line lists (`Honesty, hustle and heart`), or the line as one name when a part is longer than a
 * name (`Respect for the homeowner's time and house` is one value, not two).
 */
const namesIn = (line: string): string[] => {
  const names = line.split(/\s*,\s*|\s+and\s+/);
  return names.every((name) => name.split(/\s+/).length <= MAX_LISTED_NAME_WORDS) ? names : [line];
};

/**
 * The values a message names: one per line (or per `;`), each `name: what it means: what someone would be seen
 * doing` (dashes work too); a single line of names (`Honesty, hustle and heart`) gives names alone (namesIn).
 */
const parseValues = (text: string): DraftValue[] => {
  const items = listItems(text);
  const lines = items.length === 1 && !/[:—–]|\s-\s/.test(items[0] as string) ? namesIn(items[0] as string) : items;
  return lines.flatMap((line) => {
    const [name = '', meaning, behavior] = line.split(/\s*:\s*|\s+[—–-]\s+/);
    const tidied = tidy(name).replace(/[.!?]+$/, '');
    if (tidied.length < NAME.min || tidied.length > NAME.max) return [];
    const parts = { meaning: readPart(meaning), behavior: readPart(behavior) };
    return [
      {
        name: tidied,
        ...(parts.meaning ? { meaning: parts.meaning } : {}),
        ...(parts.behavior ? { behavior: parts.behavior } : {}),
      },
    ];
  });
};

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The values with `named` merged in: a known name takes the new parts, a new one is added (up to seven). */
const merge = (values: readonly DraftValue[], named: readonly DraftValue[]): DraftValue[] => {
  const merged = [...values];
  for (const value of named) {
    const index = merged.findIndex((known) => sameName(known.name, value.name));
    if (index >= 0) merged[index] = { ...merged[index], ...value };
    else if (merged.length < MAX_VALUES) merged.push(value);
  }
  return merged;
};

/** `remove Leave it cleaner` (or drop, delete) takes a value out. */
const removals = (text: string): string[] =>
  [...text.matchAll(/\b(?:remove|drop|delete)\s+["“']?([^"”'\n,;.]{2,60})/gi)].map((match) => tidy(match[1] ?? ''));

/**
 * The answer to a follow-up about one value: `meaning: behavior`, or two sentences; one part alone is the meaning, or
 * the behavior when the meaning is known.
 */
const readOneValue = (answer: string, value: DraftValue): DraftValue => {
  const split = answer.includes(':') ? answer.split(/\s*:\s*/) : tidy(answer).split(/(?<=[.!?])\s+/);
  const [first, second] = split.map(readPart).filter((part): part is string => part !== undefined);
  if (value.meaning !== undefined) return first ? { ...value, behavior: first } : value;
  return { ...value, ...(first ? { meaning: first } : {}), ...(second ? { behavior: second } : {}) };
};

const line = (value: DraftValue): string =>
  `${value.name}: ${value.meaning ?? '(what it means?)'} (${value.behavior ?? 'a behavior you can see?'})`;

const missingValues = (draft: Draft): FollowUp | undefined => {
  const values = valuesOf(draft);
  if (values.length < MIN_VALUES) {
    return {
      key: 'more',
      question:
        `${values.length > 0 ? `So far I have ${values.map((value) => `“${value.name}”`).join(', ')}. ` : ''}` +
        `Name ${MIN_VALUES} to ${MAX_VALUES} values in all, one per line, as ${VALUE_FORM}.`,
    };
  }
  const index = values.findIndex((value) => !isComplete(value));
  if (index < 0) return undefined;
  const value = values[index] as DraftValue;
  return {
    key: String(index),
    question:
      `What does “${value.name}” mean in your company, and what would someone be seen doing? ` +
      'Write it as meaning: behavior.',
  };
};

const readValues = (answer: string, draft: Draft, followUp?: string): Draft => {
  const values = valuesOf(draft);
  const index = followUp === undefined ? Number.NaN : Number(followUp);
  const target = values[index];
  if (target)
    return { ...draft, values: values.map((value, i) => (i === index ? readOneValue(answer, target) : value)) };
  return { ...draft, values: merge(values, parseValues(answer)) };
};

/** The core values session (prompts/core_values): stories of the team at its best, then 3-7 values in its own words. */
export const coreValuesScript: Script = {
  topic: 'core_values',
  intro:
    'We will look at a few real stories of your team at its best, spot the values in them, and shape 3 to 7 values, ' +
    'each with what it means here and a behavior you can see.',
  steps: [
    {
      id: 'team-at-its-best',
      phase: 'introduction',
      ask: (_draft, context) =>
        `Think of a moment when the team${context.businessName ? ` at ${context.businessName}` : ''} was at its ` +
        'best. What happened, and what did people do?',
      example:
        'For example: the night a crew stayed late so a family had heat again, who did what, and why it mattered.',
    },
    {
      id: 'who-embodies-it',
      phase: 'exploration',
      ask: () => 'Who on your team best embodies the company, and what do they do that others notice?',
    },
    {
      id: 'not-tolerated',
      phase: 'exploration',
      ask: () => 'What behavior would you not tolerate, even from a top performer?',
    },
    {
      id: 'values',
      phase: 'exploration',
      ask: () =>
        `Which values do you hear in these stories? Name ${MIN_VALUES} to ${MAX_VALUES} in your team's own ` +
        `words, one per line, as ${VALUE_FORM}.`,
      read: readValues,
      missing: missingValues,
      example: 'For example: “Own the outcome: a callback is ours to fix: the original tech goes back within a day”.',
    },
    {
      id: 'draft',
      phase: 'synthesis',
      ask: (draft) => `Here is the draft:\n${coreValuesScript.readBack(draft)}\nWhat would you change? ${EDIT_HINT}`,
      confirms: true,
    },
    {
      id: 'true-today',
      phase: 'validation',
      ask: () => 'Is each of these true today, not just hoped for? Would you hire, promote or let someone go by it?',
    },
    {
      id: 'confirm',
      phase: 'validation',
      ask: (draft) =>
        `Here is the final set:\n${coreValuesScript.readBack(draft)}\nShall we make it final? ${EDIT_HINT}`,
      confirms: true,
    },
  ],
  checks: [
    'Would you keep each value even when it costs you money?',
    'Is each value distinct from the others?',
    'Would a new hire recognise each behavior in their first week?',
  ],
  readBack: (draft) => bullets(valuesOf(draft).map(line)),
  edit: (text, draft) => {
    const removed = removals(text);
    const named = removed.length > 0 ? [] : parseValues(text);
    if (removed.length === 0 && named.length === 0) return undefined;
    const kept = valuesOf(draft).filter((value) => !removed.some((name) => sameName(name, value.name)));
    return { ...draft, values: merge(kept, named) };
  },
  closing: (draft) =>
    `Thank you. Your core values: ${valuesOf(draft)
      .map((value) => value.name)
      .join(
        ', ',
      )}. A next step: share them at the next team meeting and ask each person for a story that fits one value.`,
};
