import { checkGrounding, normalizeInsightsOutput } from '../../../functions/insights/grounding';
import type { InsightDraft, Signal } from '../../../functions/insights/model';
import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';

const snapshot: BusinessSnapshot = {
  tenantId: 't-harbor',
  fetchedAt: '2026-11-14T08:00:00.000Z',
  foundation: {
    businessName: 'Harbor Coffee Roasters',
    industry: 'Specialty coffee',
    vision: 'The best-loved roaster on the coast by 2030',
    yearFounded: 2016,
    employeeCount: 24,
  },
  goals: [
    { id: 'g-12', title: 'Grow annual revenue to $1.2M', status: 'at_risk', progress: 35, targetDate: '2026-12-31' },
    { id: 'g-14', title: 'Open second location', status: 'behind', progress: 20, targetDate: '2027-03-31' },
    { id: 'g-15', title: 'Launch wholesale program with 40 cafe accounts', status: 'on_track', progress: 72.4 },
  ],
  goalStats: {
    totalGoals: 3,
    completed: 0,
    onTrack: 1,
    atRisk: 1,
    behind: 1,
    completionRate: 0,
    averageProgress: 42.5,
  },
  performance: {
    overallScore: 68.6,
    components: [
      { name: 'Customer retention', score: 61, target: 75, weight: 0.3 },
      { name: 'Gross margin', score: 74, target: 70, weight: 0.4 },
    ],
    trend: 'down',
  },
  actions: [
    { id: 'a-3', title: 'Sign lease for second site', status: 'open', dueDate: '2026-10-22', goalId: 'g-14' },
    { id: 'a-4', title: 'Hire a head roaster', status: 'blocked', dueDate: '2026-11-09' },
  ],
  issues: [
    {
      id: 'i-7',
      title: 'Cash flow forecast missing',
      description: 'Monthly cash burn is $45,000 against a $38,500 budget',
      priority: 'high',
      status: 'open',
    },
  ],
  gaps: [],
  dropped: {},
};

const signals: readonly Signal[] = [
  {
    key: 'goal_at_risk:g-12',
    kind: 'goal_at_risk',
    category: 'finance',
    priority: 'high',
    summary: "Goal 'Grow annual revenue to $1.2M' is at risk at 35% progress",
    facts: [
      { source: 'goals', metric: 'progress', value: 35 },
      { source: 'goals', metric: 'days to target date', value: 47 },
      { source: 'goals', metric: 'revenue to date', value: 412350 },
    ],
  },
  {
    key: 'strong_performance:repeat-customers',
    kind: 'strong_performance',
    category: 'marketing',
    priority: 'low',
    summary: 'Repeat customers make up most of sales',
    facts: [{ source: 'performance', metric: 'repeat customer rate', value: 0.57 }],
  },
];

const draft = (overrides: Partial<InsightDraft> = {}): InsightDraft => ({
  title: 'Revenue goal is at risk at 35% progress',
  description: 'The goal to grow annual revenue to $1.2M is at 35% progress.',
  category: 'finance',
  priority: 'high',
  actionable: true,
  suggestedActions: ['Review pricing on the best-selling blends'],
  evidence: [{ source: 'goals', metric: 'progress', value: 35 }],
  ...overrides,
});

describe('checkGrounding', () => {
  it('keeps an insight whose numbers all come from the data, in several formats', () => {
    const insight = draft({
      description:
        'The goal to grow annual revenue to $1.2M is at 35% with the December 31, 2026 target 47 days away. ' +
        'Monthly cash burn of 45k runs above the $38,500 budget. ' +
        'Repeat customers make up 57% of sales, and the overall score is 69.',
      evidence: [
        { source: 'goals', metric: 'progress', value: 35 },
        { source: 'issues', metric: 'monthly cash burn', value: '$45,000' },
        { source: 'signals', metric: 'repeat customer rate', value: '57%' },
      ],
    });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result).toEqual({ grounded: [insight], repaired: 0, dropped: 0, details: [] });
  });

  it.each([
    ['72 (72.4 rounded)', 'Wholesale progress is 72 points.'],
    ['72% (72.4 within a point)', 'Wholesale progress is 72%.'],
    ['36% (35 within a percentage point)', 'Revenue progress is about 36%.'],
    ['57% (the fraction 0.57)', 'Repeat customers are 57% of sales.'],
    ['$1.2 million', 'The revenue target is $1.2 million.'],
    ['1,200,000', 'The revenue target is 1,200,000 dollars.'],
    ['45k', 'Cash burn is 45k a month.'],
    ['$410,000 (412,350 to two significant figures)', 'Revenue to date is $410,000.'],
    ['an ISO date', 'The revenue goal is due 2026-12-31.'],
    ['the size of a list', 'The plan has 3 goals and 2 actions.'],
  ])('accepts %s', (_format, sentence) => {
    const insight = draft({ description: `${sentence} It needs attention.` });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result.details).toEqual([]);
  });

  it.each([
    ['73', 'Wholesale progress is 73 points.'],
    ['$1.3M', 'The revenue target is $1.3M.'],
    ['46k', 'Cash burn is 46k a month.'],
    ['$400,000', 'Revenue to date is $400,000.'],
    ['38%', 'Revenue progress is about 38%.'],
    ['2028', 'The revenue goal is due in 2028.'],
    ['14%', 'Churn rose to 14% this year.'],
  ])('rejects %s, which is not in the data within rounding', (number, sentence) => {
    const insight = draft({ description: `${sentence} It needs attention.` });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result.details).toEqual([{ title: insight.title, numbers: [number], outcome: 'repaired' }]);
  });

  it('removes an invented "revenue grew 37%" sentence and keeps the rest of the description', () => {
    const insight = draft({
      description: 'Revenue grew 37% year over year. Customer retention scores 61 against a target of 75.',
    });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result).toEqual({
      grounded: [{ ...insight, description: 'Customer retention scores 61 against a target of 75.' }],
      repaired: 1,
      dropped: 0,
      details: [{ title: insight.title, numbers: ['37%'], outcome: 'repaired' }],
    });
  });

  it('drops an insight whose title states an invented number', () => {
    const insight = draft({ title: 'Grow wholesale to 90 cafe accounts' });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result).toEqual({
      grounded: [],
      repaired: 0,
      dropped: 1,
      details: [{ title: 'Grow wholesale to 90 cafe accounts', numbers: ['90'], outcome: 'dropped' }],
    });
  });

  it('drops an insight whose evidence value is invented', () => {
    const insight = draft({ evidence: [{ source: 'performance', metric: 'net promoter score', value: 52 }] });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result.details).toEqual([{ title: insight.title, numbers: ['52'], outcome: 'dropped' }]);
  });

  it('drops an insight whose description is too short once the invented sentences are removed', () => {
    const insight = draft({ description: 'Margins improved by 18% last quarter. Good.' });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result.details).toEqual([{ title: insight.title, numbers: ['18%'], outcome: 'dropped' }]);
  });

  it('ignores numbers in suggested actions', () => {
    const insight = draft({ suggestedActions: ['Raise prices 18% within the next 90 days'] });

    const result = checkGrounding([insight], snapshot, signals);

    expect(result.grounded).toEqual([insight]);
  });

  it('ignores ordinals, list markers, identifiers and 0/1', () => {
    const emptySnapshot: BusinessSnapshot = {
      tenantId: 't-new',
      fetchedAt: '2026-11-14T08:15:30Z',
      gaps: [],
      dropped: {},
    };
    const insight = draft({
      title: 'Second location needs an owner',
      description:
        'For the 2nd location: 1) sign the lease, 2) hire a manager. ' +
        'Track it in Q3 under g-99 with 1 owner and 0 delays.',
      evidence: [{ source: 'goals', metric: 'owner', value: 'none' }],
    });

    const result = checkGrounding([insight], emptySnapshot, []);

    expect(result.grounded).toEqual([insight]);
  });

  it('counts repaired and dropped insights and keeps the order of the rest', () => {
    const kept = draft({ title: 'Customer retention trails its target' });
    const repairable = draft({ description: 'Customer retention scores 61. Churn doubled to 14.5% this year.' });
    const invented = draft({ title: 'Cut costs by 18% this quarter' });

    const result = checkGrounding([repairable, invented, kept], snapshot, signals);

    expect(result).toMatchObject({
      grounded: [{ description: 'Customer retention scores 61.' }, kept],
      repaired: 1,
      dropped: 1,
    });
  });
});

describe('normalizeInsightsOutput', () => {
  it('leaves values that are not an insights output as they are', () => {
    const values = ['text', 42, null, { summary: 'no insights here' }];

    const normalized = values.map(normalizeInsightsOutput);

    expect(normalized).toEqual(values);
  });

  it('does not change its input', () => {
    const input = { insights: [{ title: 'x', category: 'Finance', priority: 'URGENT', actionable: 'False' }] };
    const copy = structuredClone(input);

    const normalized = normalizeInsightsOutput(input);

    expect(input).toEqual(copy);
    expect(normalized).toEqual({
      insights: [{ title: 'x', category: 'finance', priority: 'critical', actionable: false }],
    });
  });

  it('cuts a title without a usable word boundary to 60 characters', () => {
    const title = `Q3${'x'.repeat(78)}`;

    const normalized = normalizeInsightsOutput({ insights: [{ title }] });

    expect(normalized).toEqual({ insights: [{ title: title.slice(0, 60) }] });
  });

  it('shortens a long title to whole words, without an ellipsis or a dangling word', () => {
    const title = 'Get the emergency response time goal back on track before the winter rush and';

    const normalized = normalizeInsightsOutput({ insights: [{ title }] });

    expect(normalized).toEqual({ insights: [{ title: 'Get the emergency response time goal back on track before' }] });
  });
});
