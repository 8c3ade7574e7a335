import type { BusinessSnapshot } from '../../shared/business-api/model';
import type { ConversationTopic, Phase } from '../model';
import { asSentence, clip, listItems, tidy } from './words';

/** The outcome as far as the offline coach has drafted it, shaped (partially) like the topic's outcome schema. */
export type Draft = Readonly<Record<string, unknown>>;

/** What the business context lends the questions: the company's name, a goal at risk. */
export interface ScriptContext {
  readonly businessName?: string;
  readonly goalAtRisk?: { readonly title: string; readonly status: string };
}

/** The business context of a script's questions, from the snapshot. */
export const scriptContext = (snapshot: BusinessSnapshot): ScriptContext => {
  const goal = snapshot.goals?.find((candidate) => candidate.status === 'at_risk' || candidate.status === 'behind');
  const businessName = snapshot.foundation?.businessName;
  return {
    ...(businessName ? { businessName } : {}),
    ...(goal?.title && goal.status ? { goalAtRisk: { title: goal.title, status: goal.status.replace('_', ' ') } } : {}),
  };
};

/** A question the owner must answer again, more precisely: its key (kept with the turn) and its wording. */
export interface FollowUp {
  readonly key: string;
  readonly question: string;
}

/** One question of a script, and how the owner's answer to it is read. */
export interface Step {
  /** Stable name, kept in the provenance of the turn that asked it. */
  readonly id: string;
  /** The phase the session is in once this question is asked. */
  readonly phase: Phase;
  readonly ask: (draft: Draft, context: ScriptContext) => string;
  /**
   * Reads the answer into the draft, in the owner's words; `followUp` is the key of the follow-up it answers. Absent:
   * the answer is material for the owner's own thinking (a story), nothing to record.
   */
  readonly read?: (answer: string, draft: Draft, followUp?: string) => Draft;
  /** What the step still needs after the answer, asked next as a follow-up; undefined once it has it. */
  readonly missing?: (draft: Draft) => FollowUp | undefined;
  /** The answer confirms the draft; anything else is read as a change (the script's `edit`). */
  readonly confirms?: boolean;
  /** An example for an owner who asks for one (from the template's method). */
  readonly example?: string;
}

/**
 * A topic's session for the offline coach: the template's phases as a fixed sequence of questions (the first one
 * asked in the opening turn, the last one the final confirmation), and how the outcome is read back and edited.
 */
export interface Script {
  readonly topic: ConversationTopic;
  /** How the session works, in two sentences (the template's introduction). */
  readonly intro: string;
  readonly steps: readonly Step[];
  /** More of the template's validation checks, asked when the owner confirms before the minimum exchanges. */
  readonly checks: readonly string[];
  /** The draft, one item per line. */
  readonly readBack: (draft: Draft) => string;
  /** Applies the changes the owner wrote to the draft; undefined when the message names none. */
  readonly edit: (text: string, draft: Draft) => Draft | undefined;
  /** The closing turn: thanks, the outcome in a line, one next step. */
  readonly closing: (draft: Draft) => string;
}

/** A string field of the draft, or undefined. */
export const textOf = (draft: Draft, field: string): string | undefined => {
  const value = draft[field];
  return typeof value === 'string' && value.trim() ? value : undefined;
};

/** A list field of the draft (strings), or []. */
export const listOf = (draft: Draft, field: string): string[] => {
  const value = draft[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};

/** Bounds of a text field, as the topic's outcome schema sets them. */
export interface TextBounds {
  readonly min: number;
  readonly max: number;
}

/** The owner's answer as a text field within its bounds; undefined when too short. */
export const readText = (answer: string, bounds: TextBounds, sentence = true): string | undefined => {
  const text = sentence ? asSentence(answer, bounds.max) : clip(tidy(answer), bounds.max);
  return text.length >= bounds.min ? text : undefined;
};

/** The owner's list, each item a text within its bounds, at most `maxItems`. */
export const readList = (answer: string, bounds: TextBounds, maxItems: number): string[] =>
  listItems(answer)
    .map((item) => readText(item, bounds))
    .filter((item): item is string => item !== undefined)
    .slice(0, maxItems);

/** The draft with `field` set to `value`, or unchanged when there is no value. */
export const withField = (draft: Draft, field: string, value: unknown): Draft =>
  value === undefined || (Array.isArray(value) && value.length === 0) ? draft : { ...draft, [field]: value };

/** A labelled field an owner may change at a confirmation: the words they may name it by, and how it is read. */
export interface EditableField {
  readonly field: string;
  readonly labels: readonly string[];
  readonly read: (value: string) => unknown;
}

/**
 * Changes written as `label: new value`, one per line (`statement: …`, `next steps: a; b`): each line whose label
 * names a field replaces that field; undefined when no line does.
 */
export const labelledEdit =
  (fields: readonly EditableField[]) =>
  (text: string, draft: Draft): Draft | undefined => {
    let changed: Draft | undefined;
    for (const line of text.split(/\r?\n/)) {
      const match = /^\s*([A-Za-z ]{2,30}?)\s*:\s*(.+)$/.exec(line);
      const label = match?.[1]?.trim().toLowerCase();
      const target = fields.find((candidate) => label !== undefined && candidate.labels.includes(label));
      const value = target && match?.[2] !== undefined ? target.read(match[2]) : undefined;
      if (target && value !== undefined) changed = { ...(changed ?? draft), [target.field]: value };
    }
    return changed;
  };

/** How a labelled edit is asked for, naming the labels. */
export const editHint = (fields: readonly EditableField[]): string =>
  `Write each change on its own line as ${fields.map((field) => `“${field.labels[0]}: …”`).join(', ')}.`;

/** Lines of a read-back list. */
export const bullets = (items: readonly string[]): string => items.map((item) => `• ${item}`).join('\n');
