import type { BusinessSnapshot, Goal } from '../../../functions/shared/business-api/model';
import { evidenceSchema, priorities } from '../../../functions/insights/model';
import type { Signal, SignalKind } from '../../../functions/insights/model';
import { computeSignals, defaultSignalThresholds, factMetrics } from '../../../functions/insights/signals';

const NOW = new Date('2024-06-15T12:00:00Z');
/** The strengths family's kinds: what works, said beside the problems. */
const STRENGTHS: readonly string[] = ['strong_performance', 'targets_beaten', 'goals_on_track'];
/** The signals that are not strengths. */
const problemsOf = <S extends Signal>(signals: readonly S[]): S[] => signals.filter((s) => !STRENGTHS.includes(s.kind));
const DAY_MS = 86_400_000;
const daysBefore = (days: number): string => new Date(NOW.getTime() - days * DAY_MS).toISOString();

/** Every number written in a text ("2024-05-01" gives 2024, 5 and 1). */
const numbersIn = (text: string): number[] => (text.match(/\d+(?:\.\d+)?/g) ?? []).map(Number);

/** Critical 0, high 1, medium 2, low 3. */
const rankOf = (signal: Signal): number => priorities.length - 1 - priorities.indexOf(signal.priority);

/** A tidy business that raises no signal; each test changes one thing. */
const quietSnapshot = (overrides: Partial<BusinessSnapshot> = {}): BusinessSnapshot => ({
  tenantId: 'tenant-1',
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  foundation: { businessName: 'Harbor Plumbing', coreValues: [{ name: 'Own it' }] },
  goals: [{ id: 'g1', title: 'Launch maintenance plans', status: 'on_track', progress: 60, targetDate: '2024-09-30' }],
  goalStats: { totalGoals: 1, completed: 0 },
  performance: { overallScore: 70, trend: 'flat', components: [{ name: 'Cash flow', score: 72, target: 70 }] },
  actions: [
    {
      id: 'a1',
      title: 'Price maintenance plans',
      status: 'open',
      goalId: 'g1',
      dueDate: '2024-07-01',
      updatedAt: daysBefore(2),
    },
  ],
  issues: [{ id: 'i1', title: 'Office printer jams', priority: 'low', status: 'open' }],
  ...overrides,
});

/** A struggling plumbing business: most kinds of signal fire. */
const strugglingSnapshot: BusinessSnapshot = quietSnapshot({
  foundation: {
    businessName: 'Harbor Plumbing',
    vision: 'Become the most trusted plumbing service in the Pacific Northwest',
    purpose: 'Keep homes safe and dry',
  },
  goals: [
    {
      id: 'g1',
      title: 'Open a second location in Tacoma',
      status: 'at_risk',
      progress: 35.4,
      targetDate: '2024-09-30',
    },
    { id: 'g2', title: 'Hire 3 licensed plumbers', status: 'behind', progress: 10, targetDate: '2024-08-31' },
    { id: 'g3', title: 'Launch maintenance plans', status: 'on_track', progress: 60, targetDate: '2024-05-01' },
    { id: 'g4', title: 'Move to new scheduling software', status: 'completed', progress: 100 },
  ],
  goalStats: { totalGoals: 4, completed: 1, completionRate: 25 },
  performance: { overallScore: 52, trend: 'down', components: [{ name: 'Cash flow', score: 45, target: 70 }] },
  actions: [
    {
      id: 'a1',
      title: 'Sign Tacoma lease',
      status: 'open',
      goalId: 'g1',
      dueDate: '2024-06-01',
      updatedAt: '2024-05-20',
    },
    { id: 'a2', title: 'Price maintenance plans', status: 'blocked', goalId: 'g3', updatedAt: '2024-06-10' },
  ],
  issues: [
    { id: 'i1', title: 'Van breakdowns delay jobs', priority: 'critical', status: 'open', createdAt: '2024-05-10' },
  ],
});

const withGoals = (goals: readonly Goal[]): BusinessSnapshot =>
  quietSnapshot({
    goals,
    goalStats: undefined,
    actions: goals.map((goal, index) => ({ id: `a${index}`, title: `Work on ${goal.title}`, goalId: goal.id })),
  });

const ofKind = (signals: readonly Signal[], kind: SignalKind): Signal[] =>
  signals.filter((signal) => signal.kind === kind);

const only = (snapshot: BusinessSnapshot, kind: SignalKind): Signal => {
  const found = ofKind(computeSignals(snapshot, NOW), kind);
  expect(found).toHaveLength(1);
  return found[0] as Signal;
};

const factValue = (signal: Signal, metric: string): unknown =>
  signal.facts.find((fact) => fact.metric === metric)?.value;

describe('computeSignals', () => {
  it('finds no problem, only its strengths, in a business with nothing to flag', () => {
    const signals = computeSignals(quietSnapshot(), NOW);

    expect(signals.map((signal) => signal.key)).toEqual(['goals_on_track', 'targets_beaten']);
  });

  describe('goals', () => {
    it('flags an at-risk goal with its rounded progress and target date', () => {
      const snapshot = withGoals([
        { id: 'g7', title: 'Open a second location', status: 'at_risk', progress: 35.4, targetDate: '2024-09-30' },
      ]);

      const signal = only(snapshot, 'goal_at_risk');

      expect(signal).toMatchObject({ key: 'goal_at_risk:g7', priority: 'medium', category: 'strategy' });
      expect(signal.summary).toBe(
        "Goal 'Open a second location' is at risk at 35% progress, with a target date of 2024-09-30.",
      );
      expect(factValue(signal, factMetrics.progress)).toBe(35);
    });

    it('flags a goal that is behind as high priority', () => {
      const snapshot = withGoals([{ id: 'g8', title: 'Hire 3 licensed plumbers', status: 'behind', progress: 10 }]);

      const signal = only(snapshot, 'goal_behind');

      expect(signal).toMatchObject({ key: 'goal_behind:g8', priority: 'high' });
    });

    it('does not flag an on-track or not-started goal as at risk', () => {
      const snapshot = withGoals([
        { id: 'g1', title: 'Launch maintenance plans', status: 'on_track' },
        { id: 'g2', title: 'Cut response time', status: 'not_started' },
      ]);

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('goal_at_risk');
      expect(kinds).not.toContain('goal_behind');
    });

    it('flags a goal whose target day has passed, with the days since', () => {
      const snapshot = withGoals([{ id: 'g3', title: 'Launch plans', status: 'on_track', targetDate: '2024-06-14' }]);

      const signal = only(snapshot, 'goal_overdue');

      expect(signal.key).toBe('goal_overdue:g3');
      expect(factValue(signal, factMetrics.daysPastTarget)).toBe(1);
      expect(signal.summary).toContain('2024-06-14 (1 day ago)');
    });

    it('does not flag a goal due today as overdue', () => {
      const snapshot = withGoals([{ id: 'g3', title: 'Launch plans', status: 'on_track', targetDate: '2024-06-15' }]);

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('goal_overdue');
    });

    it('does not flag a completed goal past its target date', () => {
      const snapshot = withGoals([{ id: 'g3', title: 'Launch plans', status: 'completed', targetDate: '2024-01-31' }]);

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('goal_overdue');
    });

    it('reports an overdue at-risk goal once, as overdue', () => {
      const snapshot = withGoals([{ id: 'g3', title: 'Launch plans', status: 'at_risk', targetDate: '2024-06-01' }]);

      const keys = problemsOf(computeSignals(snapshot, NOW)).map((signal) => signal.key);

      expect(keys).toEqual(['goal_overdue:g3']);
    });

    it('reads a date-time without an offset as wall-clock time in the tenant zone (UTC by default)', () => {
      const snapshot = withGoals([
        { id: 'g3', title: 'Launch plans', status: 'on_track', targetDate: '2024-06-15T11:59:00' },
      ]);

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).toContain('goal_overdue');
    });
  });

  describe('goal completion', () => {
    it('flags a completion rate just below the threshold', () => {
      const snapshot = quietSnapshot({ goalStats: { totalGoals: 10, completed: 2, completionRate: 29 } });

      const signal = only(snapshot, 'low_goal_completion');

      expect(signal.summary).toBe('Only 29% of goals are completed (2 of 10), below the 30% threshold.');
      expect(signal.facts[0]).toEqual({ source: 'goalStats', metric: factMetrics.completionRate, value: 29 });
    });

    it('does not flag a completion rate at the threshold, after rounding', () => {
      const snapshot = quietSnapshot({ goalStats: { totalGoals: 10, completed: 3, completionRate: 29.6 } });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('low_goal_completion');
    });

    it('computes the rate from the goals when the stats are missing', () => {
      const snapshot = withGoals([
        { id: 'g1', title: 'Launch plans', status: 'on_track' },
        { id: 'g2', title: 'Hire plumbers', status: 'on_track' },
        { id: 'g3', title: 'Open location', status: 'on_track' },
      ]);

      const signal = only(snapshot, 'low_goal_completion');

      expect(signal.facts[0]).toEqual({ source: 'goals', metric: factMetrics.completionRate, value: 0 });
      expect(signal.summary).toContain('(0 of 3)');
    });

    it('does not judge completion with fewer goals than the minimum', () => {
      const snapshot = withGoals([
        { id: 'g1', title: 'Launch plans', status: 'on_track' },
        { id: 'g2', title: 'Hire plumbers', status: 'on_track' },
      ]);

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('low_goal_completion');
    });
  });

  describe('performance', () => {
    it('flags a component just below the default floor when it has no target', () => {
      const snapshot = quietSnapshot({
        performance: { overallScore: 70, components: [{ name: 'Team health', score: 59 }] },
      });

      const signal = only(snapshot, 'score_component_below_target');

      expect(signal).toMatchObject({ key: 'score_component_below_target:team-health', category: 'leadership' });
      expect(signal.summary).toBe("Score component 'Team health' is at 59, 1 point below the default floor of 60.");
    });

    it('does not flag a component at the default floor', () => {
      const snapshot = quietSnapshot({
        performance: { overallScore: 70, components: [{ name: 'Team health', score: 60 }] },
      });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('score_component_below_target');
    });

    it('measures a component against its own target and raises wide gaps to high priority', () => {
      const snapshot = quietSnapshot({
        performance: {
          overallScore: 70,
          components: [
            { name: 'Cash flow', score: 49, target: 70 },
            { name: 'Customer reviews', score: 69, target: 70 },
            { name: 'Job quality', score: 70, target: 70 },
          ],
        },
      });

      const signals = ofKind(computeSignals(snapshot, NOW), 'score_component_below_target');

      expect(signals.map((signal) => [signal.key, signal.priority, signal.category])).toEqual([
        ['score_component_below_target:cash-flow', 'high', 'finance'],
        ['score_component_below_target:customer-reviews', 'medium', 'marketing'],
      ]);
    });

    it('flags an overall score just below the low threshold', () => {
      const snapshot = quietSnapshot({
        performance: { overallScore: 59, components: [{ name: 'Cash flow', score: 72 }] },
      });

      const signal = only(snapshot, 'low_overall_score');

      expect(signal.priority).toBe('high');
      expect(signal.summary).toBe(
        "The overall score is 59, below the threshold of 60; the weakest component is 'Cash flow' at 72.",
      );
    });

    it('does not flag an overall score at the low threshold', () => {
      const snapshot = quietSnapshot({ performance: { overallScore: 60 } });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('low_overall_score');
    });

    it('flags a downward trend', () => {
      const snapshot = quietSnapshot({ performance: { overallScore: 70, trend: 'down' } });

      const signal = only(snapshot, 'score_trending_down');

      expect(signal.summary).toBe('The performance trend is down, with an overall score of 70.');
    });

    it('reports strong performance at the strong mark, led by the strongest component', () => {
      const snapshot = quietSnapshot({
        performance: {
          overallScore: 80,
          components: [
            { name: 'Cash flow', score: 75 },
            { name: 'Customer satisfaction', score: 92 },
          ],
        },
      });

      const signal = only(snapshot, 'strong_performance');

      expect(signal).toMatchObject({ key: 'strong_performance', priority: 'low' });
      expect(signal.summary).toBe(
        "The overall score is 80, at or above the strong mark of 80, led by 'Customer satisfaction' at 92.",
      );
    });

    it('does not report strong performance just below the strong mark', () => {
      const snapshot = quietSnapshot({ performance: { overallScore: 79 } });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('strong_performance');
    });
  });

  describe('actions', () => {
    it('reports all overdue actions in one signal, oldest first', () => {
      const snapshot = quietSnapshot({
        actions: [
          { id: 'a1', title: 'Renew van insurance', status: 'open', dueDate: '2024-06-14', updatedAt: daysBefore(1) },
          {
            id: 'a2',
            title: 'Sign Tacoma lease',
            status: 'in_progress',
            dueDate: '2024-05-01',
            updatedAt: daysBefore(1),
          },
          { id: 'a3', title: 'Due today', status: 'open', dueDate: '2024-06-15', updatedAt: daysBefore(1) },
          { id: 'a4', title: 'Old but done', status: 'done', dueDate: '2024-01-01' },
        ],
      });

      const signal = only(snapshot, 'overdue_actions');

      expect(signal.key).toBe('overdue_actions');
      expect(signal.summary).toBe(
        "2 actions are past the due date; the oldest is 'Sign Tacoma lease', due 2024-05-01.",
      );
      expect(signal.facts.filter((fact) => fact.metric === factMetrics.action).map((fact) => fact.value)).toEqual([
        'Sign Tacoma lease',
        'Renew van insurance',
      ]);
    });

    it('names at most the configured number of overdue actions', () => {
      const snapshot = quietSnapshot({
        actions: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, title: `Call supplier ${id}`, dueDate: '2024-06-01' })),
      });

      const signal = only(snapshot, 'overdue_actions');

      expect(factValue(signal, factMetrics.overdueActions)).toBe(5);
      expect(signal.facts.filter((fact) => fact.metric === factMetrics.action)).toHaveLength(
        defaultSignalThresholds.namedActions,
      );
    });

    it('flags an open action with no update for more than the stalled days', () => {
      const snapshot = quietSnapshot({
        actions: [{ id: 'a1', title: 'Renew van insurance', status: 'open', updatedAt: daysBefore(15) }],
      });

      const signal = only(snapshot, 'stalled_actions');

      expect(signal.summary).toBe(
        "1 open action had no update for more than 14 days; the longest untouched is 'Renew van insurance', " +
          'last updated 2024-05-31.',
      );
    });

    it('does not flag an action updated exactly the stalled days ago', () => {
      const snapshot = quietSnapshot({
        actions: [{ id: 'a1', title: 'Renew van insurance', status: 'open', updatedAt: daysBefore(14) }],
      });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('stalled_actions');
    });

    it('uses the stalled days from the thresholds', () => {
      const snapshot = quietSnapshot({
        actions: [{ id: 'a1', title: 'Renew van insurance', status: 'open', updatedAt: daysBefore(15) }],
      });

      const kinds = computeSignals(snapshot, NOW, { stalledAfterDays: 30 }).map((signal) => signal.kind);

      expect(kinds).not.toContain('stalled_actions');
    });

    it('reports blocked actions in one signal and does not count them as stalled', () => {
      const snapshot = quietSnapshot({
        actions: [
          { id: 'a1', title: 'Price maintenance plans', status: 'blocked', goalId: 'g1', updatedAt: daysBefore(30) },
          { id: 'a2', title: 'Order new vans', status: 'blocked', updatedAt: daysBefore(2) },
        ],
      });

      const signals = problemsOf(computeSignals(snapshot, NOW));

      expect(signals.map((signal) => signal.summary)).toEqual([
        "2 actions are blocked: 'Price maintenance plans' and 'Order new vans'.",
      ]);
    });
  });

  describe('issues', () => {
    it('flags each open high or critical issue with its own priority', () => {
      const snapshot = quietSnapshot({
        issues: [
          {
            id: 'i1',
            title: 'Van breakdowns delay jobs',
            priority: 'critical',
            status: 'open',
            createdAt: '2024-05-10',
          },
          { id: 'i2', title: 'Supplier raised copper prices', priority: 'high', status: 'in_progress', owner: 'Sam' },
          { id: 'i3', title: 'Website is slow', priority: 'medium', status: 'open' },
          { id: 'i4', title: 'Lost a key client', priority: 'high', status: 'resolved' },
        ],
      });

      const signals = ofKind(computeSignals(snapshot, NOW), 'open_high_impact_issue');

      expect(signals.map((signal) => [signal.key, signal.priority])).toEqual([
        ['open_high_impact_issue:i1', 'critical'],
        ['open_high_impact_issue:i2', 'high'],
      ]);
      expect(signals[0]?.summary).toBe(
        "Critical issue 'Van breakdowns delay jobs' has been open since 2024-05-10 (36 days).",
      );
    });
  });

  describe('vision and purpose', () => {
    const foundation = {
      vision: 'Become the most trusted plumbing service in Tacoma',
      purpose: 'Keep homes safe and dry',
    };

    it('flags a vision with no active goals at all as high priority', () => {
      const snapshot = quietSnapshot({
        foundation,
        goals: [{ id: 'g1', title: 'Grow plumbing revenue in Tacoma', status: 'completed' }],
      });

      const signal = only(snapshot, 'vision_without_goals');

      expect(signal.priority).toBe('high');
      expect(signal.summary).toBe('The vision has no goal behind it: there are no active goals.');
    });

    it('flags a vision that shares no keyword and no theme with any active goal', () => {
      const snapshot = quietSnapshot({
        foundation,
        goals: [{ id: 'g1', title: 'Hire licensed plumbers', status: 'on_track' }],
      });

      const signal = only(snapshot, 'vision_without_goals');

      expect(signal.priority).toBe('medium');
      expect(signal.summary).toBe(
        'None of the 1 active goal shares a word or a theme (experience, product) with the vision.',
      );
      expect(factValue(signal, factMetrics.themes)).toBe('experience, product');
    });

    it('does not flag a vision when an active goal shares a keyword, ignoring case and plurals', () => {
      const snapshot = quietSnapshot({
        foundation,
        goals: [{ id: 'g1', title: 'Win TACOMA contracts', description: 'Plumbing services for builders' }],
      });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('vision_without_goals');
    });

    it('does not flag a vision that a goal serves in other words (a shared theme)', () => {
      const snapshot = quietSnapshot({
        foundation: { vision: 'Give every family in Riverside a dentist they actually look forward to seeing' },
        goals: [{ id: 'g1', title: 'Add 400 new patients across both locations', status: 'on_track' }],
      });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('vision_without_goals');
    });

    it('judges a vision with no keywords only on whether any goal is active', () => {
      const snapshot = quietSnapshot({ foundation: { vision: 'Be the one' } });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('vision_without_goals');
    });

    it('flags a purpose that no goal serves', () => {
      const snapshot = quietSnapshot({
        foundation,
        goals: [{ id: 'g1', title: 'Plumbing in Tacoma', status: 'on_track' }],
      });

      const signal = only(snapshot, 'purpose_without_goals');

      expect(signal.key).toBe('purpose_without_goals');
      expect(factValue(signal, factMetrics.purpose)).toBe('Keep homes safe and dry');
    });

    it('does not judge the vision when the goals could not be read', () => {
      const snapshot = quietSnapshot({ foundation, goals: undefined, gaps: [{ source: 'goals', reason: 'timeout' }] });

      const kinds = computeSignals(snapshot, NOW).map((signal) => signal.kind);

      expect(kinds).not.toContain('vision_without_goals');
    });
  });

  describe('goals without actions', () => {
    it('flags an open goal whose only linked action was cancelled', () => {
      const snapshot = quietSnapshot({
        actions: [{ id: 'a1', title: 'Price maintenance plans', status: 'cancelled', goalId: 'g1' }],
      });

      const signal = only(snapshot, 'goal_without_actions');

      expect(signal).toMatchObject({ key: 'goal_without_actions:g1', priority: 'low' });
      expect(factValue(signal, factMetrics.linkedActions)).toBe(0);
    });

    it('does not judge links when the actions could not be read', () => {
      const snapshot = quietSnapshot({
        actions: undefined,
        gaps: [{ source: 'actions', reason: 'http_error', status: 503 }],
      });

      const signals = problemsOf(computeSignals(snapshot, NOW));

      expect(signals).toEqual([]);
    });
  });

  describe('every signal', () => {
    it('keeps the same keys on a later day while the day counts move on', () => {
      const later = new Date(NOW.getTime() + 2 * DAY_MS);

      const today = computeSignals(strugglingSnapshot, NOW);
      const twoDaysLater = computeSignals(strugglingSnapshot, later);

      expect(twoDaysLater.map((signal) => signal.key)).toEqual(today.map((signal) => signal.key));
      expect(only(strugglingSnapshot, 'goal_overdue').summary).toContain('45 days ago');
      expect(ofKind(twoDaysLater, 'goal_overdue')[0]?.summary).toContain('47 days ago');
    });

    it('sorts by priority, critical first, then by key', () => {
      const signals = computeSignals(strugglingSnapshot, NOW);

      const misordered = signals.slice(1).filter((signal, index) => {
        const before = signals[index] as Signal;
        return rankOf(before) > rankOf(signal) || (rankOf(before) === rankOf(signal) && before.key > signal.key);
      });

      expect(signals.length).toBeGreaterThan(10);
      expect(signals[0]?.priority).toBe('critical');
      expect(misordered).toEqual([]);
    });

    it('gives every signal valid facts and states only numbers from its facts', () => {
      const signals = computeSignals(strugglingSnapshot, NOW);

      for (const signal of signals) {
        const factNumbers = new Set(signal.facts.flatMap((fact) => numbersIn(String(fact.value))));
        expect(signal.facts.length).toBeGreaterThanOrEqual(1);
        expect(signal.facts.length).toBeLessThanOrEqual(8);
        signal.facts.forEach((fact) => expect(evidenceSchema.safeParse(fact).success).toBe(true));
        expect({ key: signal.key, stray: numbersIn(signal.summary).filter((n) => !factNumbers.has(n)) }).toEqual({
          key: signal.key,
          stray: [],
        });
      }
    });

    it('returns the same signals for the same input without changing the snapshot', () => {
      const before = JSON.stringify(strugglingSnapshot);

      const first = computeSignals(strugglingSnapshot, NOW);
      const second = computeSignals(strugglingSnapshot, NOW);

      expect(second).toEqual(first);
      expect(JSON.stringify(strugglingSnapshot)).toBe(before);
    });
  });
});
