import { categories, priorities, statuses } from './model';
import type { Category, Insight, ListInsightsQuery, Priority } from './model';

const PRIORITY_RANK: Readonly<Record<Priority, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/** One page of filtered insights: `total` matched, `cursor` (absent on the last page) leads to the next. */
export interface InsightPage {
  readonly items: Insight[];
  readonly pageSize: number;
  readonly cursor?: string;
  readonly total: number;
}

/** The insights the filters keep (category, priority, status), ordered by priority (critical first). */
export const matchingInsights = (
  insights: readonly Insight[],
  query: Pick<ListInsightsQuery, 'category' | 'priority' | 'status'>,
): Insight[] =>
  insights
    .filter((insight) => query.status === 'all' || insight.status === query.status)
    .filter((insight) => !query.category || insight.category === query.category)
    .filter((insight) => !query.priority || insight.priority === query.priority)
    .sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]);

const countBy = <K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, values.filter((value) => value === key).length])) as Record<K, number>;

/** Counts by category, priority and status (every key present, zeros included). */
export const countInsights = (
  insights: readonly Insight[],
): {
  total: number;
  byCategory: Record<Category, number>;
  byPriority: Record<Priority, number>;
  byStatus: Record<Insight['status'], number>;
} => ({
  total: insights.length,
  byCategory: countBy(
    categories,
    insights.map((insight) => insight.category),
  ),
  byPriority: countBy(
    priorities,
    insights.map((insight) => insight.priority),
  ),
  byStatus: countBy(
    statuses,
    insights.map((insight) => insight.status),
  ),
});

/** Labels and one-line descriptions of the categories and priorities, for filters in the UI. */
export const insightTaxonomy = {
  categories: [
    { id: 'strategy', label: 'Strategy', description: 'Vision, purpose and whether the goals add up to them.' },
    {
      id: 'operations',
      label: 'Operations',
      description: 'Getting things done: actions, issues, process and follow-through.',
    },
    {
      id: 'finance',
      label: 'Finance',
      description: 'Revenue, margin, cost and cash goals and the numbers behind them.',
    },
    { id: 'marketing', label: 'Marketing', description: 'Customers, leads, sales and how the business is found.' },
    {
      id: 'leadership',
      label: 'Leadership',
      description: 'People, accountability, core values and the meeting rhythm.',
    },
  ],
  priorities: [
    { id: 'critical', label: 'Critical', description: 'Threatens a top goal or the business this quarter; act now.' },
    { id: 'high', label: 'High', description: 'Needs attention this month.' },
    { id: 'medium', label: 'Medium', description: 'Worth planning into the next few weeks.' },
    { id: 'low', label: 'Low', description: 'An opportunity or a strength to build on.' },
  ],
} as const satisfies {
  categories: ReadonlyArray<{ id: Category; label: string; description: string }>;
  priorities: ReadonlyArray<{ id: Priority; label: string; description: string }>;
};
