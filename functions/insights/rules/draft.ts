import type { Category, Evidence, InsightDraft, Priority } from '../model';
import { quote, truncate, wholeWordsWithin } from '../text';

/** What every rule insight is made with: the schema's limits and the helpers that keep a draft within them. */

/** The longest title a draft may have. */
const TITLE_MAX = 60;
/** The longest description a draft may have. */
export const DESCRIPTION_MAX = 1200;
/** How many suggested actions a draft may have. */
export const SUGGESTIONS_MAX = 5;
const SUGGESTION_MAX = 300;
const EVIDENCE_MAX = 8;

/** What a rule insight is made of, before it is fitted to the schema's limits. */
interface DraftParts {
  readonly title: string;
  readonly description: string;
  readonly category: Category;
  readonly priority: Priority;
  readonly actionable: boolean;
  readonly actions: readonly string[];
  readonly evidence: readonly Evidence[];
  readonly signalKey?: string;
}

/** A draft within the schema's limits: text shortened, lists capped. */
export const toDraft = (parts: DraftParts): InsightDraft => ({
  title: truncate(parts.title, TITLE_MAX),
  description: truncate(parts.description, DESCRIPTION_MAX),
  category: parts.category,
  priority: parts.priority,
  actionable: parts.actionable,
  suggestedActions: parts.actions.slice(0, SUGGESTIONS_MAX).map((action) => truncate(action, SUGGESTION_MAX)),
  evidence: parts.evidence.slice(0, EVIDENCE_MAX),
  ...(parts.signalKey === undefined ? {} : { signalKey: parts.signalKey }),
});

/** A title around a quoted name, shortening the name to whole words so the whole title fits. */
export const titleAround = (build: (quoted: string) => string, name: string): string =>
  build(`'${wholeWordsWithin(name, Math.max(TITLE_MAX - build("''").length, 12))}'`);

/** A step about the weakest component, when there is one. */
export const weakestStep = (weakest: string | undefined, task: (quoted: string) => string): string[] =>
  weakest === undefined ? [] : [task(quote(weakest))];
