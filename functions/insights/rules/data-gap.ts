import type { DataGap, SourceName } from '../../shared/business-api/model';
import { fact } from '../families/family';
import { DATA_GAP_KEY } from '../generation';
import type { Category, InsightDraft } from '../model';
import { joinList } from '../text';
import { toDraft } from './draft';
import type { TopUp } from './top-ups';

/** The data-gap wording: which sources could not be read, and what that means for the advice. */

/** How each source is named in the data-gap wording, and what its absence means for the advice. */
const sourceWording: Record<SourceName, { readonly label: string; readonly why: string; readonly category: Category }> =
  {
    foundation: {
      label: 'business foundation',
      why: 'Without the vision, purpose and core values, the insights cannot check that goals serve them.',
      category: 'strategy',
    },
    goals: {
      label: 'goals',
      why: 'Without the goals, the insights cannot say which ones need attention.',
      category: 'strategy',
    },
    goalStats: {
      label: 'goal statistics',
      why: 'Without them, the insights cannot judge how many goals get finished.',
      category: 'strategy',
    },
    performance: {
      label: 'performance scorecard',
      why: 'Without the scorecard, there is no way to tell whether the business is improving.',
      category: 'operations',
    },
    actions: {
      label: 'action list',
      why: 'Without the actions, the insights cannot spot overdue, stalled or blocked work.',
      category: 'operations',
    },
    issues: {
      label: 'issues list',
      why: 'Without the issues, the insights cannot flag open high-impact problems.',
      category: 'operations',
    },
  };

const gapReasons: Record<DataGap['reason'], string> = {
  timeout: 'the request timed out',
  not_found: 'the service has no records for your business',
  http_error: 'the service returned an error',
  network_error: 'the service could not be reached',
  invalid_response: 'the data came back in an unexpected format',
};

const uniqueBySource = (gaps: readonly DataGap[]): DataGap[] =>
  gaps.filter((gap, index) => gaps.findIndex((other) => other.source === gap.source) === index);

/**
 * One insight that says which sources could not be read and what that means for the advice (every set made with
 * data gaps carries one); undefined when nothing is missing.
 */
export const dataGapDraft = (gaps: readonly DataGap[]): InsightDraft | undefined => {
  const missing = uniqueBySource(gaps);
  const [first] = missing;
  if (!first) return undefined;
  const labels = missing.map((gap) => sourceWording[gap.source].label);
  const single = missing.length === 1;
  return toDraft({
    title: single ? `Connect your ${labels[0]}` : 'Some of your business data could not be read',
    description: single
      ? `Reading your ${labels[0]} failed (${gapReasons[first.reason]}), so these insights were written without ` +
        `that data. ${sourceWording[first.source].why}`
      : `These insights were written without your ${joinList(labels)}: ` +
        `${missing.map((gap) => `${sourceWording[gap.source].label} (${gapReasons[gap.reason]})`).join('; ')}. ` +
        'Advice that depends on them is missing until they can be read again.',
    category: single ? sourceWording[first.source].category : 'operations',
    priority: 'medium',
    actionable: true,
    actions: [
      `Check that the ${joinList(labels)} ${single ? 'source is' : 'sources are'} set up and shared with the coaching service`,
      'Refresh your insights once the data is back',
    ],
    evidence: missing.map((gap) => fact(gap.source, 'read failure', gap.reason)),
    signalKey: `${DATA_GAP_KEY}:${missing.map((gap) => gap.source).join('+')}`,
  });
};

/** One "Connect your …" insight per missing source, for sets that need topping up. */
export const gapTopUps = (gaps: readonly DataGap[]): TopUp[] =>
  uniqueBySource(gaps).map((gap) => {
    const { label, why, category } = sourceWording[gap.source];
    return {
      coveredBy: [],
      draft: toDraft({
        title: `Connect your ${label}`,
        description:
          `Reading your ${label} failed (${gapReasons[gap.reason]}), so these insights were written without ` +
          `that data. ${why}`,
        category,
        priority: 'medium',
        actionable: true,
        actions: [
          `Check that the ${label} source is set up and shared with the coaching service`,
          `Refresh your insights once the ${label} source is back`,
        ],
        evidence: [fact(gap.source, 'read failure', gap.reason)],
        signalKey: `${DATA_GAP_KEY}:${gap.source}`,
      }),
    };
  });
