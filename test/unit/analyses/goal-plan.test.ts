import {
  addMonths,
  goalPlanAnalysis as def,
  type GoalPlanRequest,
  type PlannedGoal,
} from '../../../functions/analyses/types/goal-plan';
import { seriesOf } from '../../../functions/shared/metrics/trends';
import { demoSnapshot } from '../../support/demo-snapshot';
import { analysisContext, ANALYSIS_NOW } from '../../support/analysis-context';
import { DEMO_TENANTS, demoHistory, offlineOnDemo } from './demo-history';

const TODAY = ANALYSIS_NOW.toISOString().slice(0, 10);

const acme = (request: GoalPlanRequest) =>
  analysisContext(request, { tenantId: 'acme-plumbing', history: demoHistory('acme-plumbing') });

const check = (pass: boolean) => ({ pass, reason: 'because' });
/** A consistent goal on acme's overall score (54 today), which each validator test breaks in one place. */
const goal = (changes: Partial<PlannedGoal> = {}, kpi: Partial<PlannedGoal['kpi']> = {}): PlannedGoal => ({
  title: 'Raise the overall score to 70',
  kpi: { metric: 'overallScore', baseline: 54, target: 70, unit: 'points', ...kpi },
  deadline: '2027-06-30',
  achievability: 'needs +2.7 a month',
  relevance: 'serves the vision',
  smart: {
    specific: check(true),
    measurable: check(true),
    achievable: check(false),
    relevant: check(true),
    timeBound: check(true),
  },
  ...changes,
});
const plan = (...goals: PlannedGoal[]) => ({
  goals,
  strategies: ['a b c', 'd e f', 'g h i'],
  firstActions: ['x y z', 'u v w', 'r s t'],
});

describe('goal-plan pre-computation', () => {
  it("points the intent's words at the tenant's own numbers, with the 30-day change from the history", () => {
    const context = acme({ intent: 'Grow our maintenance plan members' });
    const facts = def.precompute(context);
    const [progress, figure] = facts.baselines;

    expect(figure).toMatchObject({ metric: 'goalFigure#G-101', value: 95, target: 250, unit: 'members' });
    expect(figure?.matched).toEqual(expect.arrayContaining(['maintenance', 'plan', 'member']));
    const history = seriesOf(context.history, 'goalProgress#G-101');
    const thirtyDaysAgo = history.find((point) => point.date === '2026-11-02')?.value ?? NaN;
    expect(progress).toMatchObject({ metric: 'goalProgress#G-101', value: 38, deadline: '2026-12-31' });
    expect(progress?.change30).toBeCloseTo(38 - thirtyDaysAgo, 1);
    expect(facts.baselines.find((b) => b.metric === 'overallScore')).toMatchObject({ value: 54, matched: [] });
    expect(facts).toMatchObject({ horizonMonths: 12, horizonEnd: '2027-12-02', today: TODAY });
    expect(facts.vision).toContain('Tri-County');
  });

  it("ends the horizon on the same day N months on (the month's last day when shorter)", () => {
    expect(def.precompute(acme({ intent: 'grow', horizonMonths: 3 })).horizonEnd).toBe('2027-03-02');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-30', 36)).toBe('2029-11-30');
  });

  it('takes the baseline from the history when the source is missing (a gap), with its 30-day change', () => {
    const history = Array.from({ length: 40 }, (_, i) => ({
      date: '',
      values: { overallScore: 40 + i * 0.5, 'kpiValue#K-9': 100 + i },
    })).map((day, i) => ({ ...day, date: new Date(Date.UTC(2026, 9, 23 + i)).toISOString().slice(0, 10) }));
    const snapshot = demoSnapshot('acme-plumbing', ANALYSIS_NOW, ['performance']);
    const context = analysisContext({ intent: 'Lift the overall score' }, { snapshot, history });
    const facts = def.precompute(context);
    const overall = facts.baselines.find((b) => b.metric === 'overallScore');

    expect(history.at(-1)?.date).toBe('2026-12-01');
    expect(overall).toMatchObject({ value: 59.5, change30: 15, matched: expect.arrayContaining(['overall']) });
    expect(facts.baselines.find((b) => b.metric === 'kpiValue#K-9')).toMatchObject({ value: 139, change30: 30 });
    expect(facts.baselines.some((b) => b.metric.startsWith('componentScore#'))).toBe(false);
    expect(facts.gaps).toEqual(['performance']);
    const at = (baseline: number) =>
      def.validate(plan(goal({}, { baseline, target: 80 })), facts, context).map((i) => i.name);
    expect([at(60), at(59), at(59.5), at(61)]).toEqual([[], [], [], ['invented_baseline']]);
  });
});

describe('goal-plan validation', () => {
  const context = acme({ intent: 'Lift the overall score' });
  const facts = def.precompute(context);
  const names = (...goals: PlannedGoal[]) => def.validate(plan(...goals), facts, context).map((i) => i.name);

  it('accepts a consistent goal', () => {
    expect(names(goal())).toEqual([]);
  });

  it('rejects a goal without a numeric target or without a date', () => {
    expect(names(goal({}, { target: null as unknown as number }))).toContain('missing_target');
    expect(names(goal({ deadline: 'next spring', smart: { ...goal().smart, timeBound: check(false) } }))).toEqual([
      'missing_deadline',
    ]);
  });

  it('rejects a deadline not after today or beyond the horizon', () => {
    const timeBoundFails = { ...goal().smart, timeBound: check(false) };
    expect(names(goal({ deadline: TODAY, smart: timeBoundFails }))).toEqual(['deadline_not_after_today']);
    expect(names(goal({ deadline: '2027-12-03', smart: timeBoundFails }))).toEqual(['deadline_beyond_horizon']);
    expect(names(goal({ deadline: '2027-12-02' }))).toEqual([]);
  });

  it("rejects a baseline that differs from the tenant's number for the same metric (by key or by name)", () => {
    expect(names(goal({}, { baseline: 60 }))).toEqual(['invented_baseline']);
    expect(names(goal({}, { metric: 'Overall score', baseline: 61 }))).toEqual(['invented_baseline']);
    expect(names(goal({}, { baseline: 54.4 }))).toEqual(['invented_baseline']);
    expect(names(goal({}, { metric: 'Revenue vs plan', baseline: 54 }))).toEqual(['invented_baseline']);
    expect(names(goal({}, { metric: 'revenue vs plan', baseline: 61 }))).toEqual([]);
    expect(names(goal({}, { metric: 'second location openings', baseline: 0, target: 1 }))).toEqual([]);
  });

  it('rejects SMART checks that disagree with the goal', () => {
    const smart = goal().smart;
    const [measurable] = def.validate(plan(goal({}, { target: 54 })), facts, context);
    expect(measurable?.name).toBe('smart_check_disagrees');
    expect(measurable?.detail).toContain('measurable passes');
    expect(names(goal({ smart: { ...smart, timeBound: check(false) } }))).toEqual(['smart_check_disagrees']);
    expect(names(goal({ deadline: '2028-01-01' }))).toEqual(['deadline_beyond_horizon', 'smart_check_disagrees']);
    const noFoundation = analysisContext(
      { intent: 'Lift the overall score' },
      { snapshot: demoSnapshot('acme-plumbing', ANALYSIS_NOW, ['foundation']) },
    );
    expect(def.validate(plan(goal()), def.precompute(noFoundation), noFoundation).map((i) => i.detail)).toEqual([
      "'Raise the overall score to 70': relevant passes although there is no vision or purpose to check it against",
    ]);
  });
});

describe('goal-plan offline', () => {
  it.each(DEMO_TENANTS)(
    "plans %s's goals from its own numbers, valid against the schema and its own validators",
    (tenantId) => {
      const request = { intent: 'Grow revenue and keep our customers happy', horizonMonths: 18 };
      const { facts, result } = offlineOnDemo(def, request, tenantId);

      const grounded = result.goals.filter((planned) => planned.kpi.metric !== 'plan milestones completed');
      expect(grounded.length).toBeGreaterThan(0);
      for (const planned of result.goals) {
        const baseline = facts.baselines.find((b) => b.metric === planned.kpi.metric);
        expect(baseline?.value ?? 0).toBe(planned.kpi.baseline);
        expect(planned.kpi.target).not.toBe(planned.kpi.baseline);
        expect(planned.achievability).toMatch(/^Offline estimate/);
      }
    },
  );

  it("uses a goal's own figure and target, its deadline, owner and open action", () => {
    const context = acme({ intent: 'Grow our maintenance plan members' });
    const result = def.offline(context, def.precompute(context));
    const [first] = result.goals;

    expect(first).toMatchObject({
      kpi: { metric: 'goalFigure#G-101', baseline: 95, target: 250, unit: 'members' },
      deadline: '2026-12-31',
    });
    expect(result.goals.some((g) => g.kpi.metric === 'goalProgress#G-101')).toBe(false);
    expect(result.strategies).toContain(
      "Finish 'Call the 42 lapsed maintenance-plan members' (in_progress), already planned for this goal",
    );
    expect(result.firstActions).toContain(
      "Confirm Dana Whitfield as the owner of 'Grow recurring maintenance plans to 250 members'",
    );
  });

  it("states the 30-day pace a score target needs, and whether the last 30 days' pace covers it", () => {
    const context = acme({ intent: 'Improve revenue vs plan' });
    const facts = def.precompute(context);
    const [revenue] = def.offline(context, facts).goals;
    const change30 = facts.baselines.find((b) => b.metric === 'componentScore#Revenue vs plan')?.change30;

    expect(revenue?.kpi).toEqual({
      metric: 'componentScore#Revenue vs plan',
      baseline: 61,
      target: 85,
      unit: 'points',
    });
    expect(revenue?.achievability).toContain(`moved ${change30} in 30 days; the target needs +2 every 30 days`);
    expect(revenue?.smart.achievable.pass).toBe(false);
  });

  it("plans an intent the data has no number for by its milestones, next to the tenant's headline score", () => {
    const context = acme({ intent: 'Open a second location' });
    const facts = def.precompute(context);
    const result = def.offline(context, facts);

    expect(facts.baselines.every((baseline) => baseline.matched.every((match) => match.endsWith(' theme')))).toBe(true);
    expect(result.goals.map((planned) => [planned.kpi.metric, planned.kpi.baseline])).toEqual([
      ['plan milestones completed', 0],
      ['overallScore', 54],
    ]);
    expect(result.goals[0]?.title).toBe('Open a second location: all milestones done by 2027-12-02');
    expect(result.goals[0]?.relevance).toContain('second');
    expect(def.validate(result, facts, context)).toEqual([]);
  });

  it('with every source missing and no history, plans the milestones of the intent and says relevance is unchecked', () => {
    const snapshot = demoSnapshot('acme-plumbing', ANALYSIS_NOW, [
      'foundation',
      'goals',
      'goalStats',
      'performance',
      'actions',
      'issues',
    ]);
    const context = analysisContext({ intent: 'Open a second location' }, { snapshot });
    const facts = def.precompute(context);
    const result = def.offline(context, facts);

    expect(facts.baselines).toEqual([]);
    expect(result.goals).toHaveLength(1);
    expect(result.goals[0]).toMatchObject({ kpi: { baseline: 0, target: 100, unit: '%' }, deadline: '2027-12-02' });
    expect(result.goals[0]?.smart.relevant.pass).toBe(false);
    expect(result.goals[0]?.relevance).toContain('No vision or purpose on record');
    expect(def.validate(result, facts, context)).toEqual([]);
  });
});

describe('goal-plan request', () => {
  it.each([
    [{ intent: 'ab' }],
    [{ intent: 'Grow', horizonMonths: 37 }],
    [{ intent: 'Grow', horizonMonths: 1.5 }],
    [{ intent: 'Grow', extra: 1 }],
  ])('refuses %j', (body) => {
    expect(def.requestSchema['~standard'].validate(body)).toHaveProperty('issues');
  });
});
