import {
  resolveMetric,
  rootCauseAnalysis as def,
  type Hypothesis,
  type RootCauseRequest,
  type RootCauseResult,
} from '../../../functions/analyses/types/root-cause';
import { MIN_POINTS_FOR_SIGNIFICANCE } from '../../../functions/analyses/statistics';
import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import type { MetricDay } from '../../../functions/shared/metrics/model';
import { daysBefore } from '../../../functions/shared/metrics/trends';
import { seededRandom } from '../../../functions/shared/seeded-random';
import { analysisContext, ANALYSIS_NOW } from '../../support/analysis-context';
import { demoSnapshot } from '../../support/demo-snapshot';
import { DEMO_TENANTS, demoHistory, offlineOnDemo } from './demo-history';

const TODAY = ANALYSIS_NOW.toISOString().slice(0, 10);

/**
 * 20 days to yesterday: the score falls 1 a day with a wobble; `linked` is 2 x score + 1 (r = 1), `inverse` is -score
 * (r = -1), `flat` never moves, `noise` is random, `short` has only the last 10 days.
 */
const handMade = (): MetricDay[] => {
  const random = seededRandom(7);
  return Array.from({ length: 20 }, (_, i) => {
    const score = 80 - i + (i % 3);
    return {
      date: daysBefore(TODAY, 20 - i),
      values: {
        overallScore: score,
        'componentScore#Linked': 2 * score + 1,
        openIssues: -score,
        'componentScore#Flat': 50,
        'componentScore#Noise': Math.round(random() * 1000) / 10,
        ...(i >= 10 ? { 'goalProgress#g1': 10 + i } : {}),
      },
    };
  });
};

const snapshot: BusinessSnapshot = {
  tenantId: 't1',
  fetchedAt: ANALYSIS_NOW.toISOString(),
  gaps: [],
  dropped: {},
  goals: [{ id: 'g1', title: 'Launch the loyalty card' }],
  issues: [
    {
      id: 'I-1',
      title: 'Till outage',
      priority: 'high',
      createdAt: `${daysBefore(TODAY, 12)}T08:00:00Z`,
      owner: 'Sam',
    },
    { id: 'I-2', title: 'Old leak', priority: 'low', createdAt: '2026-01-05T08:00:00Z' },
  ],
  actions: [
    { id: 'A-1', title: 'Fix the rota', status: 'open', dueDate: daysBefore(TODAY, 5), assignee: 'Kim' },
    { id: 'A-2', title: 'Order stock', status: 'done', dueDate: daysBefore(TODAY, 6) },
  ],
};

const request: RootCauseRequest = {
  metric: 'overallScore',
  observation: 'The score keeps falling',
  period: { from: daysBefore(TODAY, 20), to: TODAY },
};
const handContext = () => analysisContext(request, { snapshot, history: handMade() });

describe('root-cause pre-computation', () => {
  it('finds the changes that moved with the metric, with correlation and a permutation p-value', () => {
    const facts = def.precompute(handContext());
    const bySeries = new Map(facts.changes.map((change) => [change.series, change]));

    expect(facts.target).toEqual({ from: 80, to: 62, change: -18, days: 20 });
    expect(facts.changes.slice(0, 2).map((change) => change.series)).toEqual(['componentScore#Linked', 'openIssues']);
    expect(bySeries.get('componentScore#Linked')).toMatchObject({
      from: 161,
      to: 125,
      change: -36,
      pairedDays: 20,
      correlation: 1,
      pValue: 0.001,
      significant: true,
      source: 'history',
    });
    expect(bySeries.get('openIssues')).toMatchObject({ correlation: -1, significant: true });
    expect(bySeries.has('componentScore#Flat')).toBe(false);
    expect(Math.abs(bySeries.get('componentScore#Noise')?.correlation ?? 1)).toBeLessThan(0.5);
    expect(bySeries.get('componentScore#Noise')?.significant).toBe(false);
    expect(facts.significance).toContain('permutation test');
  });

  it(`gives no p-value and claims no significance with fewer than ${MIN_POINTS_FOR_SIGNIFICANCE} paired days`, () => {
    const facts = def.precompute(handContext());
    expect(facts.changes.find((change) => change.series === 'goalProgress#g1')).toMatchObject({
      pairedDays: 10,
      significant: false,
    });
    expect(facts.changes.find((change) => change.series === 'goalProgress#g1')).not.toHaveProperty('pValue');

    const short = def.precompute(
      analysisContext(
        { ...request, period: { from: daysBefore(TODAY, 8), to: TODAY } },
        { snapshot, history: handMade() },
      ),
    );
    expect(short.changes.length).toBeGreaterThan(0);
    expect(short.changes.every((change) => change.pValue === undefined && !change.significant)).toBe(true);
    expect(short.significance).toBe(
      'The period has 8 days of overallScore; significance needs 14 paired days, so none is claimed.',
    );
  });

  it('adds the issues opened and the actions overdue in the period, and the daily count of issues opened', () => {
    const facts = def.precompute(handContext());

    expect(facts.issuesOpened).toEqual([
      { id: 'I-1', title: 'Till outage', priority: 'high', opened: daysBefore(TODAY, 12), owner: 'Sam' },
    ]);
    expect(facts.actionsOverdue).toEqual([
      { id: 'A-1', title: 'Fix the rota', dueDate: daysBefore(TODAY, 5), status: 'open', assignee: 'Kim' },
    ]);
    expect(facts.changes.find((change) => change.series === 'issuesOpened')).toMatchObject({
      from: 0,
      to: 1,
      change: 1,
      source: 'issues',
    });
  });

  it("defaults the period to the last 30 days and finds what moved with acme's falling score", () => {
    const context = analysisContext(
      { metric: 'overallScore', observation: 'Our score dropped' },
      { tenantId: 'acme-plumbing', history: demoHistory('acme-plumbing') },
    );
    const facts = def.precompute(context);

    expect(facts.period).toEqual({ from: daysBefore(TODAY, 30), to: TODAY });
    expect(facts.target?.change).toBeLessThan(-8);
    expect(facts.changes.find((change) => change.series === 'componentScore#First-time fix rate')).toMatchObject({
      significant: true,
    });
    expect(facts.issuesOpened.map((issue) => issue.id)).toContain('I-318');
    expect(facts.actionsOverdue.map((action) => action.id)).toContain('A-2052');
  });

  it('resolves the metric by key in any case, by component name or by goal title', () => {
    const history = demoHistory('acme-plumbing');
    const { entities } = analysisContext({}, { tenantId: 'acme-plumbing' });
    expect(resolveMetric('OVERALLSCORE', history, entities)).toBe('overallScore');
    expect(resolveMetric('Revenue vs plan', history, entities)).toBe('componentScore#Revenue vs plan');
    expect(resolveMetric('Reduce callback rate below 3%', history, entities)).toBe('goalProgress#G-105');
    expect(resolveMetric('churn', history, entities)).toBe('churn');
  });
});

describe('root-cause validation', () => {
  const context = handContext();
  const facts = def.precompute(context);
  const listed = def.offline(context, facts).correlatedChanges;
  const hypothesis = (changes: Partial<Hypothesis> = {}): Hypothesis => ({
    cause: 'The linked component fell first',
    evidenceFor: ['The Linked score fell 36 points (161 to 125), correlation 1.0, p = 0.001: significant'],
    evidenceAgainst: ['Till outage (I-1) opened on the same days'],
    confidence: 'high',
    check: 'Ask the owner',
    ...changes,
  });
  const names = (result: Partial<RootCauseResult>) =>
    def
      .validate({ hypotheses: [hypothesis()], correlatedChanges: listed, ...result }, facts, context)
      .map((i) => i.name);

  it('accepts an answer that cites the pre-computed changes with their numbers rounded', () => {
    expect(names({})).toEqual([]);
  });

  it('rejects correlated changes that are invented, left out or altered', () => {
    const [first, ...rest] = listed;
    expect(
      names({ correlatedChanges: [...listed, { series: 'churn', change: 3, correlation: 0.9, significant: false }] }),
    ).toEqual(['invented_change']);
    expect(names({ correlatedChanges: rest })).toEqual(['change_missing']);
    expect(names({ correlatedChanges: [{ ...first!, correlation: 0.8 }, ...rest] })).toEqual(['change_altered']);
  });

  it('rejects significance the pre-computation does not support, in the list and in the evidence', () => {
    const noise = listed.find((change) => change.series === 'componentScore#Noise')!;
    expect(
      names({
        correlatedChanges: listed.map((change) => (change === noise ? { ...noise, significant: true } : change)),
      }),
    ).toEqual(['significance_unsupported']);
    const claim = `The Noise score moved ${noise.change}, a significant link`;
    expect(names({ hypotheses: [hypothesis({ evidenceFor: [claim] })] })).toEqual(['significance_unsupported']);
    expect(
      names({ hypotheses: [hypothesis({ evidenceFor: [`The Noise score moved ${noise.change}, not significant`] })] }),
    ).toEqual([]);
  });

  it('rejects evidence naming a series that is not a pre-computed change, by key or by name', () => {
    expect(names({ hypotheses: [hypothesis({ evidenceAgainst: ['kpiValue#churn rose at the same time'] })] })).toEqual([
      'uncited_series',
    ]);
    expect(names({ hypotheses: [hypothesis({ evidenceAgainst: ['The Flat score held steady'] })] })).toEqual([
      'uncited_series',
    ]);
  });

  it('rejects a number the cited change does not state', () => {
    const [inconsistency] = def.validate(
      { hypotheses: [hypothesis({ evidenceFor: ['The Linked score fell 42 points'] })], correlatedChanges: listed },
      facts,
      context,
    );
    expect(inconsistency).toEqual({
      name: 'number_not_in_facts',
      detail: '"The Linked score fell 42 points" quotes 42, which no pre-computed fact states',
    });
  });

  it("accepts the numbers of the records' own titles, unquoted", () => {
    const titled = analysisContext(request, {
      snapshot: { ...snapshot, issues: [{ ...snapshot.issues![0]!, title: 'Backorder on 50-gallon heaters' }] },
      history: handMade(),
    });
    const titledFacts = def.precompute(titled);
    const answer = {
      hypotheses: [hypothesis({ evidenceAgainst: ['The backorder on 50-gallon heaters opened then'] })],
      correlatedChanges: def.offline(titled, titledFacts).correlatedChanges,
    };
    expect(def.validate(answer, titledFacts, titled)).toEqual([]);
    expect(
      names({ hypotheses: [hypothesis({ evidenceAgainst: ['The backorder on 50-gallon heaters opened then'] })] }),
    ).toEqual(['number_not_in_facts']);
  });

  it('rejects hypotheses not ranked by confidence', () => {
    expect(names({ hypotheses: [hypothesis({ confidence: 'low' }), hypothesis({ confidence: 'medium' })] })).toEqual([
      'hypotheses_not_ranked',
    ]);
  });
});

describe('root-cause offline', () => {
  it.each(DEMO_TENANTS)(
    "explains %s's score from its correlated changes, valid against its schema and validators",
    (tenantId) => {
      const { facts, result } = offlineOnDemo(
        def,
        { metric: 'overallScore', observation: 'The score moved' },
        tenantId,
      );

      expect(result.correlatedChanges.map((change) => change.series)).toEqual(
        facts.changes.map((change) => change.series),
      );
      expect(result.hypotheses[0]?.cause).toContain('(offline: from the pre-computed correlations)');
    },
  );

  it('ranks a significant strong correlation high, names the issue and the overdue action, with checks', () => {
    const context = handContext();
    const result = def.offline(context, def.precompute(context));
    const causes = result.hypotheses.map((h) => [h.confidence, h.cause.split(' in the same days')[0]]);

    expect(causes.slice(0, 2)).toEqual([
      ['high', 'The Linked score fell'],
      ['high', 'The open issues rose'],
    ]);
    expect(result.hypotheses.find((h) => h.cause.includes("'Till outage'"))?.check).toContain('Ask Sam');
    expect(result.hypotheses.find((h) => h.cause.includes("'Fix the rota'"))?.evidenceFor).toEqual([
      `1 action came due in the period and is not done, 'Fix the rota' on ${daysBefore(TODAY, 5)}`,
    ]);
  });

  it('with no history of the metric and the issues and actions missing, says it could trace nothing', () => {
    const missing = demoSnapshot('acme-plumbing', ANALYSIS_NOW, ['issues', 'actions']);
    const context = analysisContext(
      { metric: 'churn', observation: 'Churn is up' },
      { snapshot: missing, history: handMade() },
    );
    const facts = def.precompute(context);
    const result = def.offline(context, facts);

    expect(facts).toMatchObject({ metric: 'churn', changes: [], issuesOpened: [], actionsOverdue: [] });
    expect(facts.gaps).toEqual(['issues', 'actions']);
    expect(result.hypotheses).toHaveLength(1);
    expect(result.hypotheses[0]).toMatchObject({ confidence: 'low' });
    expect(result.hypotheses[0]?.cause).toContain('no values of churn');
    expect(def.validate(result, facts, context)).toEqual([]);
  });
});

describe('root-cause request', () => {
  it.each([
    [{ metric: '', observation: 'dropped' }],
    [{ metric: 'overallScore', observation: 'ab' }],
    [{ metric: 'overallScore', observation: 'dropped', period: { from: '2026-11-10', to: '2026-11-01' } }],
    [{ metric: 'overallScore', observation: 'dropped', period: { from: '2026-11-01' } }],
    [{ metric: 'overallScore', observation: 'dropped', extra: true }],
  ])('refuses %j', (body) => {
    expect(def.requestSchema['~standard'].validate(body)).toHaveProperty('issues');
  });
});
