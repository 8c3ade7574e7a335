import { alignmentOf, keywordsOf, themesOf, type Theme } from '../../../shared/alignment';
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
  /** What the statement is about (`themesOf`), looked for in the same goals. */
  readonly themes: readonly Theme[];
}

/** A signal of the foundation family. */
export type FoundationSignal =
  | SignalWith<'vision_without_goals', StatementWithoutGoalsPayload>
  | SignalWith<'purpose_without_goals', StatementWithoutGoalsPayload>;

const statementWithoutGoals = (label: 'vision' | 'purpose', found: StatementWithoutGoalsPayload): Statement => ({
  summary:
    found.activeGoals === 0
      ? `The ${label} has no goal behind it: there are no active goals.`
      : `None of the ${plural(found.activeGoals, 'active goal')} shares a word${found.themes.length > 0 ? ` or a theme (${found.themes.join(', ')})` : ''} with the ${label}.`,
  facts: [
    fact('foundation', label === 'vision' ? factMetrics.vision : factMetrics.purpose, found.statement),
    fact('goals', factMetrics.activeGoals, found.activeGoals),
    ...(found.keywords.length === 0 ? [] : [fact('signals', factMetrics.keywords, found.keywords.join(', '))]),
    ...(found.themes.length === 0 ? [] : [fact('signals', factMetrics.themes, found.themes.join(', '))]),
  ],
});

/**
 * The vision (or purpose) has no goal behind it when there are no active (not completed) goals, or when no active
 * goal's title, description or category serves it (`alignmentOf`: no shared keyword and no shared theme, so "Add
 * 400 new patients" serves "a dentist every family looks forward to"). A statement with neither keywords nor
 * themes is only judged on whether any goal is active. Only judged when the goals were read.
 */
const statementSignals = (
  kind: 'vision_without_goals' | 'purpose_without_goals',
  label: 'vision' | 'purpose',
  statement: string | undefined,
  goals: readonly Goal[] | undefined,
): FoundationSignal[] => {
  if (statement === undefined || goals === undefined) return [];
  const active = goals.filter((goal) => !isCompletedGoal(goal));
  const keywords = [...keywordsOf(statement)];
  const themes = themesOf(statement);
  const served = active.some(
    (goal) => alignmentOf(statement, [goal.title, goal.description, goal.category].join(' ')).score > 0,
  );
  if (active.length > 0 && (served || (keywords.length === 0 && themes.length === 0))) return [];
  const payload: StatementWithoutGoalsPayload = { statement, activeGoals: active.length, keywords, themes };
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
