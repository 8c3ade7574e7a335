import type { BusinessSnapshot } from '../shared/business-api/model';
import type { Invocation } from '../shared/invocation';
import type { RequestType } from '../shared/usage/ledger';
import type { InsightDraft, Provenance } from './model';
import { MAX_INSIGHTS, MIN_INSIGHTS } from './model';
import type { ComputedSignal } from './signals';
import type { Dismissal } from './store';

/** Signal keys of data-gap notices start with this; the prompt asks the model to use it too. */
export const DATA_GAP_KEY = 'data_gap';

/** Everything a generator needs to write one tenant's insights. */
export interface GenerationInput {
  /** Whose model calls these are: the caller's tenant and user are metered, warnings go to its usage sink. */
  readonly invocation: Invocation;
  readonly snapshot: BusinessSnapshot;
  readonly signals: readonly ComputedSignal[];
  readonly dismissals: readonly Dismissal[];
  readonly now: Date;
  /** The tenant's IANA time zone, which "overdue" is judged in; UTC when absent. */
  readonly timeZone?: string;
  /** What the model calls are metered as: `insights` for users, `batch` for the nightly run. */
  readonly requestType: RequestType;
  /** An unavailable model is an error, not a reason for the rules (the nightly run retries the tenant later). */
  readonly strictModel?: boolean;
}

/** A draft with where it came from. */
export type SourcedDraft = InsightDraft & { readonly source: 'llm' | 'rules' };

/** The drafts of one generation and how they were made. */
export interface Generation {
  readonly drafts: readonly SourcedDraft[];
  readonly provenance: Provenance;
  /** Tokens and cost of the model calls it took (none for the rules). */
  readonly usage?: { readonly tokens: number; readonly costMicros: number };
}

/** Writes a tenant's insights: the model with a rules fallback, or the rules alone. */
export interface InsightGenerator {
  generate(input: GenerationInput): Promise<Generation>;
}

const normalizeTitle = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** What identifies "the same insight" across days: its signal key, else category + normalized title. */
export const fingerprintOf = (draft: Pick<InsightDraft, 'signalKey' | 'category' | 'title'>): string =>
  draft.signalKey ?? `${draft.category}:${normalizeTitle(draft.title)}`;

/**
 * Removes suppressed and duplicate fingerprints, tops the set up from `reserve` (rule insights) until it has the
 * minimum, caps it at the maximum, and makes sure a set written with data gaps says so: when no draft is a
 * data-gap notice, `gapNotice` takes the last place.
 */
export const finalizeDrafts = (
  primary: readonly SourcedDraft[],
  reserve: readonly SourcedDraft[],
  suppressed: ReadonlySet<string>,
  gapNotice?: SourcedDraft,
): SourcedDraft[] => {
  const seen = new Set(suppressed);
  const accept = (draft: SourcedDraft): boolean => {
    const fingerprint = fingerprintOf(draft);
    if (seen.has(fingerprint)) return false;
    seen.add(fingerprint);
    return true;
  };
  const chosen = primary.filter(accept);
  for (const draft of reserve) {
    if (chosen.length >= MIN_INSIGHTS) break;
    if (accept(draft)) chosen.push(draft);
  }
  const capped = chosen.slice(0, MAX_INSIGHTS);
  const noticeNeeded =
    gapNotice !== undefined &&
    !suppressed.has(fingerprintOf(gapNotice)) &&
    !capped.some((draft) => draft.signalKey?.startsWith(DATA_GAP_KEY));
  return noticeNeeded ? [...capped.slice(0, MAX_INSIGHTS - 1), gapNotice] : capped;
};
