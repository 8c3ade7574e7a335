import type { BusinessSnapshot, DataGap, Goal } from '../../../functions/shared/business-api/model';
import { sourceNames } from '../../../functions/shared/business-api/model';
import { fingerprintOf } from '../../../functions/insights/generation';
import { insightDraftSchema, insightsOutputSchema, priorities } from '../../../functions/insights/model';
import type { InsightDraft, Priority, Signal } from '../../../functions/insights/model';
import { generateRuleInsights } from '../../../functions/insights/rules-generator';
import { computeSignals } from '../../../functions/insights/signals';

const NOW = new Date('2024-06-15T12:00:00Z');

const base = { tenantId: 'tenant-1', fetchedAt: NOW.toISOString(), gaps: [], dropped: {} } as const;

/** A plumbing business in trouble: goals slipping, a low score, overdue work and a critical issue. */
const struggling: BusinessSnapshot = {
  ...base,
  foundation: {
    businessName: 'Harbor Plumbing',
    vision: 'Become the most trusted plumbing service in the Pacific Northwest',
    purpose: 'Keep homes safe and dry',
    coreValues: [{ name: 'Own it' }, { name: 'Show up on time' }],
  },
  goals: [
    {
      id: 'g1',
      title: 'Open a second location in Tacoma',
      status: 'at_risk',
      progress: 35.4,
      targetDate: '2024-09-30',
      owner: 'Dana',
    },
    { id: 'g2', title: 'Hire 3 licensed plumbers', status: 'behind', progress: 10, targetDate: '2024-08-31' },
    { id: 'g3', title: 'Launch maintenance plans', status: 'on_track', progress: 60, targetDate: '2024-05-01' },
    { id: 'g4', title: 'Move to new scheduling software', status: 'completed', progress: 100 },
    { id: 'g5', title: 'Cut average response time', status: 'not_started', progress: 0, targetDate: '2024-12-31' },
  ],
  goalStats: { totalGoals: 5, completed: 1, completionRate: 20, averageProgress: 41 },
  performance: {
    overallScore: 52.4,
    trend: 'down',
    components: [
      { name: 'Cash flow', score: 45, target: 70 },
      { name: 'Customer satisfaction', score: 81, target: 80 },
      { name: 'Team health', score: 55 },
    ],
  },
  actions: [
    {
      id: 'a1',
      title: 'Sign Tacoma lease',
      status: 'open',
      goalId: 'g1',
      dueDate: '2024-06-01',
      updatedAt: '2024-05-20T09:00:00Z',
    },
    {
      id: 'a2',
      title: 'Post plumber job ads',
      status: 'in_progress',
      goalId: 'g2',
      dueDate: '2024-06-10',
      updatedAt: '2024-06-12T09:00:00Z',
    },
    { id: 'a3', title: 'Price maintenance plans', status: 'blocked', goalId: 'g3', updatedAt: '2024-06-01T09:00:00Z' },
    {
      id: 'a4',
      title: 'Renew van insurance',
      status: 'open',
      dueDate: '2024-07-01',
      updatedAt: '2024-05-01T09:00:00Z',
    },
    { id: 'a5', title: 'Train staff on software', status: 'done', goalId: 'g4', dueDate: '2024-04-01' },
  ],
  issues: [
    {
      id: 'i1',
      title: 'Van breakdowns delay jobs',
      priority: 'critical',
      status: 'open',
      createdAt: '2024-05-10T08:00:00Z',
      owner: 'Sam',
      goalId: 'g5',
    },
    { id: 'i2', title: 'Supplier raised copper prices', priority: 'high', status: 'in_progress' },
    { id: 'i3', title: 'Office printer jams', priority: 'low', status: 'open' },
  ],
};

/** A business doing well: strong score, goals on track and tied to the vision, work moving. */
const healthy: BusinessSnapshot = {
  ...base,
  foundation: {
    businessName: 'Harbor Plumbing',
    vision: 'Be the plumber every family in Tacoma calls first',
    purpose: 'Keep homes safe and dry',
    coreValues: [{ name: 'Own it' }, { name: 'Show up on time' }, { name: 'Leave it cleaner' }],
  },
  goals: [
    {
      id: 'g1',
      title: 'Grow Tacoma family memberships to 500',
      status: 'on_track',
      progress: 70,
      targetDate: '2024-12-31',
    },
    {
      id: 'g2',
      title: 'Same-day leak repair for every home',
      status: 'on_track',
      progress: 55,
      targetDate: '2024-10-31',
    },
    { id: 'g3', title: 'Move to new scheduling software', status: 'completed', progress: 100 },
  ],
  goalStats: { totalGoals: 3, completed: 1, completionRate: 33.3, averageProgress: 75 },
  performance: {
    overallScore: 86,
    trend: 'up',
    components: [
      { name: 'Customer satisfaction', score: 92, target: 85 },
      { name: 'Cash flow', score: 81, target: 75 },
      { name: 'Team health', score: 78 },
    ],
  },
  actions: [
    {
      id: 'a1',
      title: 'Launch membership referral offer',
      status: 'in_progress',
      goalId: 'g1',
      dueDate: '2024-06-28',
      updatedAt: '2024-06-13T09:00:00Z',
    },
    {
      id: 'a2',
      title: 'Stock vans for same-day repairs',
      status: 'open',
      goalId: 'g2',
      dueDate: '2024-06-21',
      updatedAt: '2024-06-10T09:00:00Z',
    },
    { id: 'a3', title: 'Train staff on software', status: 'done', goalId: 'g3', dueDate: '2024-04-01' },
  ],
  issues: [
    { id: 'i1', title: 'Office printer jams', priority: 'low', status: 'open' },
    { id: 'i2', title: 'Lost a key supplier', priority: 'high', status: 'resolved' },
  ],
};

const allGaps: DataGap[] = sourceNames.map((source) => ({ source, reason: 'timeout' }));

/** Nothing could be read. */
const empty: BusinessSnapshot = { ...base, gaps: allGaps };

/** Only the foundation could be read. */
const foundationOnly: BusinessSnapshot = {
  ...base,
  foundation: struggling.foundation,
  gaps: allGaps.filter((gap) => gap.source !== 'foundation'),
};

/** Every source answered, but nothing is recorded yet. */
const newBusiness: BusinessSnapshot = {
  ...base,
  foundation: { businessName: 'Harbor Plumbing' },
  goals: [],
  goalStats: {},
  performance: {},
  actions: [],
  issues: [],
};

const fixtures: ReadonlyArray<readonly [string, BusinessSnapshot]> = [
  ['a struggling business', struggling],
  ['a healthy business', healthy],
  ['a business whose sources are all missing', empty],
  ['a business with only its foundation', foundationOnly],
  ['a new business with nothing recorded yet', newBusiness],
];

const generate = (snapshot: BusinessSnapshot, exclude?: ReadonlySet<string>): InsightDraft[] =>
  generateRuleInsights(snapshot, computeSignals(snapshot, NOW), NOW, exclude === undefined ? {} : { exclude });

/** Every number written in a text ("2024-05-01" gives 2024, 5 and 1). */
const numbersIn = (text: string): number[] => (text.match(/\d+(?:\.\d+)?/g) ?? []).map(Number);

/** How many records each list holds, overall and per status: the counts an insight may state. */
const recordCounts = (snapshot: BusinessSnapshot): number[] => {
  const lists: ReadonlyArray<readonly { readonly status?: string }[]> = [
    snapshot.goals ?? [],
    snapshot.actions ?? [],
    snapshot.issues ?? [],
  ];
  return [
    ...lists.flatMap((list) => [
      list.length,
      ...new Set(list.map((item) => list.filter((other) => other.status === item.status).length)),
    ]),
    snapshot.foundation?.coreValues?.length ?? 0,
  ];
};

/** Numbers an insight may state: those in the snapshot, in the signal facts, and record counts. */
const groundNumbers = (snapshot: BusinessSnapshot, signals: readonly Signal[]): Set<number> =>
  new Set([
    ...numbersIn(JSON.stringify(snapshot)),
    ...numbersIn(JSON.stringify(signals.map((signal) => signal.facts))),
    ...recordCounts(snapshot),
  ]);

/** Numbers in a draft's text that are neither in the ground set nor a rounding of one of its numbers. */
const strayNumbers = (draft: InsightDraft, ground: ReadonlySet<number>): number[] =>
  numbersIn([draft.title, draft.description, ...draft.suggestedActions].join(' ')).filter(
    (n) => !ground.has(n) && ![...ground].some((g) => Math.round(g) === n),
  );

const rank = (priority: Priority): number => priorities.length - 1 - priorities.indexOf(priority);

describe('generateRuleInsights', () => {
  describe.each(fixtures)('for %s', (_name, snapshot) => {
    it('returns between five and ten drafts that pass the output schema', () => {
      const drafts = generate(snapshot);

      expect(drafts.length).toBeGreaterThanOrEqual(5);
      expect(drafts.length).toBeLessThanOrEqual(10);
      drafts.forEach((draft) => expect(insightDraftSchema.parse(draft)).toEqual(draft));
      expect(insightsOutputSchema.safeParse({ insights: drafts }).success).toBe(true);
    });

    it('states only numbers found in the data or the signal facts', () => {
      const signals = computeSignals(snapshot, NOW);
      const ground = groundNumbers(snapshot, signals);

      const drafts = generateRuleInsights(snapshot, signals, NOW);

      expect(drafts.map((draft) => ({ title: draft.title, stray: strayNumbers(draft, ground) }))).toEqual(
        drafts.map((draft) => ({ title: draft.title, stray: [] })),
      );
    });

    it('orders the drafts by priority, highest first', () => {
      const drafts = generate(snapshot);

      const ranks = drafts.map((draft) => rank(draft.priority));

      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    });

    it('gives every draft a distinct fingerprint', () => {
      const drafts = generate(snapshot);

      const fingerprints = drafts.map(fingerprintOf);

      expect(new Set(fingerprints).size).toBe(drafts.length);
    });
  });

  it('keeps the ten highest-priority insights of a struggling business, critical first, and one strength', () => {
    const signals = computeSignals(struggling, NOW);

    const drafts = generateRuleInsights(struggling, signals, NOW);

    const problems = drafts.filter((draft) => draft.actionable);
    const strengths = drafts.filter((draft) => !draft.actionable);
    const keys = new Set(drafts.map((draft) => draft.signalKey));
    const dropped = signals.filter((signal) => !keys.has(signal.key));
    const lowestKept = Math.max(...problems.map((draft) => rank(draft.priority)));
    expect(drafts).toHaveLength(10);
    expect(drafts[0]?.signalKey).toBe('open_high_impact_issue:i1');
    // A strength the data has takes the last place rather than being crowded out by the problems.
    const hasStrength = signals.some((signal) =>
      ['strong_performance', 'targets_beaten', 'goals_on_track'].includes(signal.kind),
    );
    expect(strengths).toHaveLength(hasStrength ? 1 : 0);
    expect(dropped.length).toBeGreaterThan(0);
    dropped.forEach((signal) => expect(rank(signal.priority)).toBeGreaterThanOrEqual(lowestKept));
  });

  it('writes a signal insight from its signal: summary, facts as evidence, named goal and action', () => {
    const signals = computeSignals(struggling, NOW);
    const atRisk = signals.find((signal) => signal.key === 'goal_at_risk:g1') as Signal;

    const draft = generateRuleInsights(struggling, signals, NOW).find((item) => item.signalKey === atRisk.key);

    expect(draft).toMatchObject({
      title: "Get 'Open a second location in Tacoma' back on track",
      category: 'strategy',
      priority: 'medium',
      actionable: true,
      evidence: atRisk.facts,
    });
    expect(draft?.description.startsWith(atRisk.summary)).toBe(true);
    expect(draft?.suggestedActions).toContain(
      "Move 'Sign Tacoma lease' forward first; it is the next open action for 'Open a second location in Tacoma'",
    );
    expect(draft?.suggestedActions[0]).toContain('Meet Dana');
  });

  it('shortens a long goal name to whole words so the title fits', () => {
    const longTitle = 'Open a second location in Tacoma with a showroom, a training kitchen and a warehouse for parts';
    const snapshot: BusinessSnapshot = { ...struggling, goals: [{ id: 'g9', title: longTitle, status: 'behind' }] };

    const draft = generate(snapshot).find((item) => item.signalKey === 'goal_behind:g9');

    expect(draft?.title.length).toBeLessThanOrEqual(60);
    // Whole words, no ellipsis, not ending on the dangling "with".
    expect(draft?.title).toBe("Get 'Open a second location in Tacoma' back on track");
  });

  it('shows the top at-risk goals individually and summarises the rest in one insight', () => {
    const goals: Goal[] = ['1', '2', '3', '4', '5', '6', '7', '8'].map((n) => ({
      id: `g${n}`,
      title: `Open location ${n}`,
      status: 'at_risk',
      progress: 20,
    }));
    const snapshot: BusinessSnapshot = { ...base, goals, gaps: [{ source: 'actions', reason: 'timeout' }] };

    const drafts = generate(snapshot);

    const individual = drafts.filter((draft) => draft.signalKey?.startsWith('goal_at_risk:'));
    const summary = drafts.find((draft) => draft.title === 'More goals need a recovery plan');
    expect(individual.map((draft) => draft.signalKey)).toEqual(['goal_at_risk:g1', 'goal_at_risk:g2']);
    expect(summary?.signalKey).toBeUndefined();
    expect(summary?.evidence.map((item) => item.value)).toEqual(goals.slice(2).map((goal) => goal.title));
    goals.slice(2).forEach((goal) => expect(summary?.description).toContain(`'${goal.title}'`));
    expect(drafts.length).toBeLessThanOrEqual(10);
  });

  it('adds a positive insight and general ones for a healthy business', () => {
    const drafts = generate(healthy);

    const strong = drafts.find((draft) => draft.signalKey === 'strong_performance');
    expect(strong).toMatchObject({ actionable: false, title: 'Strong performance: overall score 86' });
    expect(strong?.suggestedActions[0]).toBe(
      "Write down what keeps 'Customer satisfaction' strong so the team can repeat it",
    );
    expect(drafts.map((draft) => draft.signalKey)).toEqual(
      expect.arrayContaining(['general:goal_completion', 'general:core_values', 'general:actions']),
    );
    expect(drafts.map((draft) => draft.signalKey)).not.toContain('general:overall_score');
  });

  it('says which data was missing, once per missing source', () => {
    const drafts = generate(empty);

    expect(drafts.map((draft) => draft.title)).toEqual([
      'Connect your business foundation',
      'Connect your goals',
      'Connect your goal statistics',
      'Connect your performance scorecard',
      'Connect your action list',
      'Connect your issues list',
    ]);
    expect(drafts[3]?.description).toContain('Reading your performance scorecard failed (the request timed out)');
  });

  it('tops up a foundation-only business with its core values as well as the missing sources', () => {
    const drafts = generate(foundationOnly);

    const values = drafts.find((draft) => draft.signalKey === 'general:core_values');
    expect(drafts.filter((draft) => draft.signalKey?.startsWith('data_gap:'))).toHaveLength(5);
    expect(values?.description).toBe(
      "You have 2 core values: 'Own it' and 'Show up on time'. Values guide decisions best when each one shows " +
        'up in a goal or a weekly habit.',
    );
  });

  it('gives a business with nothing recorded yet its onboarding steps, in order, each resting on what is missing', () => {
    const drafts = generate(newBusiness);

    expect(drafts.map((draft) => draft.title)).toEqual([
      'Write down your vision',
      'Write down your purpose',
      'Write down your core values',
      'Set your first goals',
      'Define the KPIs you will track',
      'Start tracking actions',
      'Log issues as they come up',
    ]);
    expect(drafts.every((draft) => draft.actionable)).toBe(true);
    expect(drafts.flatMap((draft) => draft.evidence.map((item) => item.value))).toEqual([
      'not recorded',
      'not recorded',
      0,
      0,
      0,
      0,
      0,
    ]);
  });

  it('leaves out an insight whose signal key is suppressed', () => {
    const exclude = new Set(['open_high_impact_issue:i1']);

    const drafts = generate(struggling, exclude);

    expect(drafts.map((draft) => draft.signalKey)).not.toContain('open_high_impact_issue:i1');
    expect(drafts.some((draft) => draft.description.includes('Van breakdowns delay jobs'))).toBe(false);
    expect(drafts.length).toBe(10);
  });

  it('does not fold a suppressed goal into the summary of the others', () => {
    const goals: Goal[] = ['1', '2', '3', '4', '5'].map((n) => ({
      id: `g${n}`,
      title: `Hire plumber ${n}`,
      status: 'behind',
    }));
    const snapshot: BusinessSnapshot = { ...base, goals, gaps: [{ source: 'actions', reason: 'timeout' }] };

    const drafts = generate(snapshot, new Set(['goal_behind:g5']));

    const summary = drafts.find((draft) => draft.title === 'More goals need a recovery plan');
    expect(summary?.evidence.map((item) => item.value)).toEqual(['Hire plumber 3', 'Hire plumber 4']);
    expect(drafts.some((draft) => draft.description.includes('Hire plumber 5'))).toBe(false);
  });

  it('leaves out a summary insight whose fingerprint is suppressed', () => {
    const goals: Goal[] = ['1', '2', '3', '4'].map((n) => ({
      id: `g${n}`,
      title: `Hire plumber ${n}`,
      status: 'behind',
    }));
    const snapshot: BusinessSnapshot = { ...base, goals, gaps: [{ source: 'actions', reason: 'timeout' }] };
    const summary = generate(snapshot).find((draft) => draft.signalKey === undefined) as InsightDraft;

    const drafts = generate(snapshot, new Set([fingerprintOf(summary)]));

    expect(summary.title).toBe('More goals need a recovery plan');
    expect(drafts.map((draft) => draft.title)).not.toContain(summary.title);
  });

  it('keeps five insights when the suppressed ones leave too few, letting suppressed top-ups back in', () => {
    const exclude = new Set(sourceNames.map((source) => `data_gap:${source}`));

    const drafts = generate(empty, exclude);

    expect(drafts).toHaveLength(5);
    expect(drafts.every((draft) => draft.signalKey?.startsWith('data_gap:'))).toBe(true);
  });

  it('adds one notice naming the missing sources when the signals alone fill the set', () => {
    const withGaps: BusinessSnapshot = {
      ...struggling,
      gaps: [
        { source: 'goalStats', reason: 'http_error', status: 500 },
        { source: 'performance', reason: 'timeout' },
      ],
    };

    const drafts = generate(withGaps);

    const notices = drafts.filter((draft) => draft.signalKey?.startsWith('data_gap:'));
    expect(drafts.length).toBeLessThanOrEqual(10);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.signalKey).toBe('data_gap:goalStats+performance');
    expect(notices[0]?.description).toContain('goal statistics');
    expect(notices[0]?.description).toContain('performance scorecard');
  });
});
