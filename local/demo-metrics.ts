import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BusinessSnapshot } from '../functions/shared/business-api/model';
import { parseSource } from '../functions/shared/business-api/parse';
import type { MetricValues } from '../functions/shared/metrics/model';
import { seriesKey } from '../functions/shared/metrics/model';
import type { MetricHistoryStore } from '../functions/shared/metrics/store';
import { daysBefore } from '../functions/shared/metrics/trends';
import { seededRandom } from './seeded-random';

/** How many days of history each demo tenant gets, ending yesterday (today is recorded by the first generation). */
export const DEMO_HISTORY_DAYS = 120;

/** The story a demo tenant's history tells: how far its numbers were from today's, and when the move happened. */
interface Story {
  /** Points the overall score (and its components, by weight) was above today's, 30 days ago. */
  readonly scoreDrop30: number;
  /** Goals (by id) whose progress has not moved for this many days. */
  readonly stalled: Readonly<Record<string, number>>;
  /** Progress points per week the other goals made. */
  readonly goalRate: number;
}

/**
 * The stories: acme's score fell over the last month (utilization and first-time fixes fell most) and its
 * maintenance-plan goal stalled; brightside is flat; northwind has been rising.
 */
const STORIES: Readonly<Record<string, Story>> = {
  'acme-plumbing': { scoreDrop30: 12, stalled: { 'G-101': 21 }, goalRate: 1.5 },
  'brightside-dental': { scoreDrop30: 0, stalled: {}, goalRate: 2 },
  'northwind-saas': { scoreDrop30: -7, stalled: {}, goalRate: 2.5 },
};

/** What a demo history is walked back from: a tenant's parsed score, goals and goal statistics. */
export type DemoSources = Pick<BusinessSnapshot, 'performance' | 'goals' | 'goalStats'>;

const clamp = (value: number): number => Math.round(Math.min(100, Math.max(0, value)) * 10) / 10;

/** How far from today's value a series was `daysAgo`: the move happens over the last 30 days, none before. */
const offset = (drop30: number, daysAgo: number): number => drop30 * Math.min(1, daysAgo / 30);

/**
 * The demo tenant's daily history before `today`: the fixture's numbers walked back along its story, with small
 * deterministic noise (so the day-to-day variation the unusual-change test needs is there).
 */
export const demoMetricHistory = (
  tenantId: string,
  fixture: DemoSources,
  today: string,
): { date: string; values: MetricValues }[] => {
  const story = STORIES[tenantId];
  if (!story) return [];
  const random = seededRandom([...tenantId].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 7));
  const noise = (size: number): number => (random() - 0.5) * 2 * size;
  const components = fixture.performance?.components ?? [];
  const totalWeight = components.reduce((sum, c) => sum + (c.weight ?? 1 / components.length), 0) || 1;
  const days: { date: string; values: MetricValues }[] = [];
  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo >= 1; daysAgo -= 1) {
    const values: Record<string, number> = {};
    const overall = fixture.performance?.overallScore;
    if (overall !== undefined) values.overallScore = clamp(overall + offset(story.scoreDrop30, daysAgo) + noise(0.8));
    components.forEach((component, i) => {
      // The lowest-weighted components swing most: the story's move is spread unevenly, as real scorecards move.
      const share = (i % 2 === 0 ? 1.6 : 0.4) * ((component.weight ?? 1 / components.length) / totalWeight);
      const move = offset(story.scoreDrop30, daysAgo) * share * components.length;
      values[seriesKey('componentScore', component.name)] = clamp(component.score + move + noise(1));
    });
    for (const goal of fixture.goals ?? []) {
      if (goal.progress === undefined) continue;
      const id = goal.id;
      const stalledFor = story.stalled[id];
      const movingDays = stalledFor === undefined ? daysAgo : Math.max(0, daysAgo - stalledFor);
      values[seriesKey('goalProgress', id)] = clamp(goal.progress - (story.goalRate / 7) * movingDays);
    }
    const stats = fixture.goalStats;
    if (stats?.completionRate !== undefined) values.completionRate = clamp(stats.completionRate - daysAgo * 0.05);
    if (stats?.atRisk !== undefined) values.atRisk = stats.atRisk;
    if (stats?.behind !== undefined) values.behindSchedule = stats.behind;
    days.push({ date: daysBefore(today, daysAgo), values });
  }
  return days;
};

/** A demo fixture's score, goals and goal statistics, read with the production source parser (envelopes and all). */
const demoSources = (raw: Record<string, unknown>): DemoSources => {
  const parsed = <N extends 'performance' | 'goals' | 'goalStats'>(name: N) => {
    const result = parseSource(name, raw[name]);
    return result.success ? result.value : undefined;
  };
  return { performance: parsed('performance'), goals: parsed('goals'), goalStats: parsed('goalStats') };
};

/** Seeds each demo tenant's metric history from its business fixture; answers how many days were written. */
export const seedDemoMetrics = async (
  store: MetricHistoryStore,
  tenantIds: readonly string[],
  retentionDays: number,
  now = new Date(),
): Promise<number> => {
  const today = now.toISOString().slice(0, 10);
  let written = 0;
  for (const tenantId of tenantIds) {
    const file = join(__dirname, 'fixtures', 'business', `${tenantId}.json`);
    const fixture = demoSources(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>);
    const days = demoMetricHistory(tenantId, fixture, today);
    const latest = days.at(-1);
    await store.saveEntities(
      tenantId,
      {
        goals: (fixture.goals ?? []).map((goal) => ({
          id: goal.id,
          title: goal.title,
          ...(goal.targetDate ? { targetDate: goal.targetDate.slice(0, 10) } : {}),
        })),
        components: (fixture.performance?.components ?? []).map((component) => component.name),
      },
      latest ? Math.floor(Date.parse(`${latest.date}T00:00:00Z`) / 1000) + retentionDays * 86_400 : 0,
    );
    await Promise.all(
      days.map(({ date, values }) =>
        store.record(
          tenantId,
          date,
          values,
          Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + retentionDays * 86_400,
        ),
      ),
    );
    written += days.length;
  }
  return written;
};
