import type { Goal } from '../../../shared/business-api/model';
import { plural } from '../../text';
import { buildSignal, fact, factMetrics } from '../family';
import type { FamilySignals, SignalWith, Statement } from '../family';
import { isCompletedGoal } from '../goals/signals';

/** A vision or purpose with no active goal behind it. */
export interface StatementWithoutGoalsPayload {
  /** The vision or purpose as written. */
  readonly statement: string;
  readonly activeGoals: number;
  /** The statement's keywords, looked for in the active goals' titles and descriptions. */
  readonly keywords: readonly string[];
}

/** A signal of the foundation family. */
export type FoundationSignal =
  | SignalWith<'vision_without_goals', StatementWithoutGoalsPayload>
  | SignalWith<'purpose_without_goals', StatementWithoutGoalsPayload>;

const stopWords = new Set(
  (
    'about above after again also because become been before being best better business company customer ' +
    'customers each every from have help into just like make more most much only other over same should ' +
    'such than that their them then there these they this those through very want were what when where which ' +
    'while will with within without world would your yours year years'
  ).split(' '),
);

/** Meaningful words: letters or digits, at least four long, not a stop word, with a plural 's' removed. */
const keywords = (text: string): Set<string> =>
  new Set(
    (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
      .filter((word) => word.length >= 4 && !stopWords.has(word))
      .map((word) => (word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word)),
  );

const statementWithoutGoals = (label: 'vision' | 'purpose', found: StatementWithoutGoalsPayload): Statement => ({
  summary:
    found.activeGoals === 0
      ? `The ${label} has no goal behind it: there are no active goals.`
      : `None of the ${plural(found.activeGoals, 'active goal')} shares a keyword with the ${label}.`,
  facts: [
    fact('foundation', label === 'vision' ? factMetrics.vision : factMetrics.purpose, found.statement),
    fact('goals', factMetrics.activeGoals, found.activeGoals),
    ...(found.keywords.length === 0 ? [] : [fact('signals', factMetrics.keywords, found.keywords.join(', '))]),
  ],
});

/**
 * The vision (or purpose) has no goal behind it when there are no active (not completed) goals, or when no active
 * goal's title or description shares a keyword with it. Keywords are words of four or more letters that are not
 * common filler ("business", "every", ...), compared case-insensitively with a plural 's' removed; a statement with
 * no keyword is only judged on whether any goal is active. Only judged when the goals were read.
 */
const statementSignals = (
  kind: 'vision_without_goals' | 'purpose_without_goals',
  label: 'vision' | 'purpose',
  statement: string | undefined,
  goals: readonly Goal[] | undefined,
): FoundationSignal[] => {
  if (statement === undefined || goals === undefined) return [];
  const active = goals.filter((goal) => !isCompletedGoal(goal));
  const wanted = keywords(statement);
  const shares = active.some((goal) =>
    [...keywords(`${goal.title} ${goal.description ?? ''}`)].some((word) => wanted.has(word)),
  );
  if (active.length > 0 && (shares || wanted.size === 0)) return [];
  const payload: StatementWithoutGoalsPayload = { statement, activeGoals: active.length, keywords: [...wanted] };
  return [
    buildSignal(
      { key: kind, kind, category: 'strategy', priority: active.length === 0 ? 'high' : 'medium' },
      payload,
      (found) => statementWithoutGoals(label, found),
    ),
  ];
};

/** The foundation family: a vision or purpose with no goal behind it. */
export const foundationSignals: FamilySignals<FoundationSignal> = ({ foundation, goals }) => [
  ...statementSignals('vision_without_goals', 'vision', foundation?.vision, goals),
  ...statementSignals('purpose_without_goals', 'purpose', foundation?.purpose, goals),
];
