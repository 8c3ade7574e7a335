import type { BusinessSnapshot, SourceName } from '../../functions/shared/business-api/model';
import { sourceNames } from '../../functions/shared/business-api/model';
import { demoSnapshot as demoSnapshotAt } from '../support/demo-snapshot';

/** The moment every fixture is judged at (the demo data's "today"). */
export const QUALITY_NOW = new Date('2026-12-02T09:00:00Z');

/** What a person expects of a good set for one fixture. */
export interface Expectations {
  /** The data has a strength (a component at or above target, a goal on track, a high score): the set says one. */
  readonly strength: boolean;
  /** Most insights should be risks (high/critical) or opportunities (low/medium). */
  readonly mostly?: 'risks' | 'opportunities';
  /** Sentences the set must contain (regexes over titles and descriptions). */
  readonly mustSay?: readonly RegExp[];
  /** Sentences it must never contain. */
  readonly mustNotSay?: readonly RegExp[];
}

/** A tenant's data and what a good set for it says. */
export interface QualityFixture {
  readonly name: string;
  readonly snapshot: BusinessSnapshot;
  readonly expect: Expectations;
}

/** A demo tenant's snapshot at QUALITY_NOW, without the sources named in `without`. */
const demoSnapshot = (tenantId: string, without: readonly SourceName[] = []): BusinessSnapshot =>
  demoSnapshotAt(tenantId, QUALITY_NOW, without);

/** A business with 200 goals and 1,000 actions, built deterministically. */
const hugeSnapshot = (): BusinessSnapshot => {
  const statuses = ['on_track', 'at_risk', 'behind', 'completed', 'not_started'] as const;
  const goals = Array.from({ length: 200 }, (_, i) => ({
    id: `g${i}`,
    title: `${['Grow', 'Cut', 'Launch', 'Hire for', 'Improve'][i % 5]} ${['referral leads', 'delivery costs', 'the mobile app', 'the support team', 'on-time delivery'][(i >> 2) % 5]} ${i}`,
    status: statuses[i % 5],
    progress: (i * 7) % 100,
    targetDate: `2027-0${(i % 9) + 1}-15`,
    owner: `Owner ${i % 12}`,
  }));
  const actions = Array.from({ length: 1000 }, (_, i) => ({
    id: `a${i}`,
    title: `Step ${i} of goal ${i % 200}`,
    status: (['open', 'in_progress', 'done', 'blocked'] as const)[i % 4],
    dueDate: `2026-${String((i % 12) + 1).padStart(2, '0')}-10`,
    goalId: `g${i % 200}`,
    updatedAt: '2026-10-01T00:00:00Z',
  }));
  return {
    ...demoSnapshot('northwind-saas'),
    tenantId: 'huge-co',
    goals,
    actions,
    goalStats: {
      totalGoals: 200,
      completed: 40,
      onTrack: 40,
      atRisk: 40,
      behind: 40,
      notStarted: 40,
      completionRate: 20,
    },
  };
};

/**
 * The fixtures: the three demo tenants (struggling, mixed, healthy), a new business with almost no data, one with
 * only foundation data, a huge one, one with conflicting signals, and the mixed tenant with each source missing in
 * turn.
 */
export const qualityFixtures = (): QualityFixture[] => [
  {
    name: 'struggling (acme-plumbing)',
    snapshot: demoSnapshot('acme-plumbing'),
    expect: {
      strength: true,
      mostly: 'risks',
      mustSay: [/transmission|service van/i, /overdue/i],
    },
  },
  {
    name: 'mixed (brightside-dental)',
    snapshot: demoSnapshot('brightside-dental'),
    expect: { strength: true, mustSay: [/hygiene recall/i] },
  },
  {
    name: 'healthy (northwind-saas)',
    snapshot: demoSnapshot('northwind-saas'),
    expect: { strength: true, mostly: 'opportunities', mustNotSay: [/overall score is low/i] },
  },
  {
    name: 'new business, almost no data',
    snapshot: {
      tenantId: 'new-co',
      fetchedAt: QUALITY_NOW.toISOString(),
      goals: [],
      actions: [],
      issues: [],
      gaps: [],
      dropped: {},
    },
    expect: { strength: false, mustSay: [/vision|goal/i], mustNotSay: [/overdue/i] },
  },
  {
    name: 'only foundation data',
    snapshot: {
      ...demoSnapshot('brightside-dental', ['goals', 'goalStats', 'performance', 'actions', 'issues']),
      gaps: [],
    },
    expect: { strength: false, mustSay: [/goal/i] },
  },
  { name: 'huge (200 goals, 1,000 actions)', snapshot: hugeSnapshot(), expect: { strength: true } },
  {
    name: 'conflicting signals (high score, trend down)',
    snapshot: {
      ...demoSnapshot('northwind-saas'),
      tenantId: 'conflict-co',
      performance: { ...demoSnapshot('northwind-saas').performance, trend: 'down' },
    },
    expect: { strength: true, mustSay: [/trend/i] },
  },
  ...sourceNames.map((missing): QualityFixture => ({
    name: `brightside without ${missing}`,
    snapshot: demoSnapshot('brightside-dental', [missing]),
    expect: {
      strength: missing !== 'performance' && missing !== 'goals',
      mustSay: [new RegExp(missing === 'goalStats' ? 'goal' : missing.replace(/s$/, ''), 'i')],
    },
  })),
];
