import type { BusinessSnapshot } from '../../../../functions/shared/business-api/model';
import { selectInsights } from '../../../../functions/insights/rules/selection';
import { computeSignals } from '../../../../functions/insights/signals';

const NOW = new Date('2024-06-15T12:00:00Z');
const WHY = 'A goal without actions depends on good intentions; actions make progress visible and owned.';

/** A business with `count` open goals and no actions at all. */
const goalsWithoutActions = (count: number): BusinessSnapshot => ({
  tenantId: 'tenant-1',
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  goals: Array.from({ length: count }, (_, index) => ({
    id: `g${index + 1}`,
    title: `Launch service line ${index + 1} for the commercial customers of the Tacoma area`,
    status: 'not_started' as const,
  })),
  actions: [],
});

const select = (snapshot: BusinessSnapshot) =>
  selectInsights(computeSignals(snapshot, NOW), { snapshot, now: NOW }, new Set());

describe('selectInsights', () => {
  it('writes goals without actions as one summary insight naming the first three', () => {
    const insights = select(goalsWithoutActions(2));

    const summaries = insights.filter((insight) => insight.title === 'Goals with no actions planned');
    expect(summaries).toHaveLength(1);
    expect(insights.filter((insight) => insight.title.startsWith('Plan the first actions for'))).toEqual([]);
    expect(summaries[0]?.description).toBe(
      "Goal 'Launch service line 1 for the commercial customers of the Tacoma area' is not started and has no " +
        "actions linked to it. Goal 'Launch service line 2 for the commercial customers of the Tacoma area' is not " +
        `started and has no actions linked to it. ${WHY}`,
    );
    expect(summaries[0]?.suggestedActions[0]).toBe(
      "Add the next concrete action, with an owner and a due date, for 'Launch service line 1 for the commercial " +
        "customers of the Tacoma area' and 'Launch service line 2 for the commercial customers of the Tacoma area'",
    );
  });

  it('keeps a long summary within the description limit by leaving out whole sentences, never cutting one', () => {
    const insights = select(goalsWithoutActions(20));

    const summary = insights.find((insight) => insight.title === 'Goals with no actions planned');
    const sentences = summary?.description.split(/(?<=\.) /) ?? [];
    expect(summary?.description.length).toBeLessThanOrEqual(1200);
    expect(summary?.description).not.toContain('…');
    expect(sentences.at(-1)).toBe(WHY);
    expect(sentences.length - 1).toBeGreaterThan(1);
    expect(sentences.length - 1).toBeLessThan(20);
    expect(sentences.slice(0, -1).every((sentence) => sentence.endsWith('has no actions linked to it.'))).toBe(true);
  });
});
