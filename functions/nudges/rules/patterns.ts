import { localTime, WEEKDAYS } from '../local-time';
import { openDeals, type DealState, type EntityState } from '../projection';
import { dollars, plural, wholeDays, type NudgeCandidate } from './candidate';

/** The minimum samples each pattern needs before it says anything (stated in its message). */
export const MIN_SAMPLES = {
  /** Completed tasks for the best day and hour. */
  taskCompletions: 20,
  /** Won deals with a source for the cycle by source (and at least `perSource` in each of two sources). */
  cycleDeals: 10,
  perSource: 3,
  /** Lost deals for the stage with the most drop-off. */
  lostDeals: 5,
  /** Won deals for the traits of the most valuable clients. */
  valuableDeals: 10,
  /** Won deals with a cycle for a deal running past the average. */
  averageCycle: 5,
} as const;
/** A deal runs far past the average cycle at this multiple of it. */
export const LONG_CYCLE_FACTOR = 1.5;

const PATTERN = { type: 'pattern', priority: 'low', ttlHours: 24 * 7, cooldownHours: 24 * 7 } as const;

/** The most frequent key of a tally, ties to the first in key order; undefined for an empty tally. */
const top = <K extends string | number>(tally: ReadonlyMap<K, number>): [K, number] | undefined =>
  [...tally].sort(([ka, a], [kb, b]) => b - a || String(ka).localeCompare(String(kb), 'en', { numeric: true }))[0];

const tallyOf = <T, K extends string | number>(items: readonly T[], keyOf: (item: T) => K): Map<K, number> => {
  const tally = new Map<K, number>();
  for (const item of items) tally.set(keyOf(item), (tally.get(keyOf(item)) ?? 0) + 1);
  return tally;
};

const average = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

const won = (state: EntityState): DealState[] => [...state.deals.values()].filter((deal) => deal.won === true);

/** The weekday and hour (in the user's zone) the user completes most tasks. */
export const bestTaskTime = (state: EntityState, timeZone: string): NudgeCandidate[] => {
  const n = state.completions.length;
  if (n < MIN_SAMPLES.taskCompletions) return [];
  const local = state.completions.map((completion) => localTime(new Date(completion.at), timeZone));
  const day = top(tallyOf(local, (time) => time.weekday));
  const hour = top(tallyOf(local, (time) => time.hour));
  if (!day || !hour) return [];
  const clock = `${String(hour[0]).padStart(2, '0')}:00`;
  return [
    {
      ...PATTERN,
      rule: 'best_task_time',
      entityType: 'tasks',
      entityId: 'completions',
      message:
        `From ${n} completed tasks: you finish the most on ${WEEKDAYS[day[0]]}s (${day[1]} of ${n}) and around ` +
        `${clock} (${hour[1]} of ${n}). Plan your hardest task for then.`,
      evidence: [
        { metric: 'completed tasks', value: n },
        { metric: `completed on ${WEEKDAYS[day[0]]}`, value: day[1] },
        { metric: `completed ${clock}-${String(hour[0]).padStart(2, '0')}:59`, value: hour[1] },
      ],
    },
  ];
};

/** The average cycle of won deals per lead source: the fastest and the slowest source. */
export const dealCycleBySource = (state: EntityState): NudgeCandidate[] => {
  const deals = won(state).filter((deal) => deal.source !== undefined && deal.daysToClose !== undefined);
  if (deals.length < MIN_SAMPLES.cycleDeals) return [];
  const bySource = new Map<string, number[]>();
  for (const deal of deals)
    bySource.set(deal.source as string, [...(bySource.get(deal.source as string) ?? []), deal.daysToClose as number]);
  const ranked = [...bySource]
    .filter(([, cycles]) => cycles.length >= MIN_SAMPLES.perSource)
    .map(([source, cycles]) => ({ source, days: Math.round(average(cycles)), deals: cycles.length }))
    .sort((a, b) => a.days - b.days || a.source.localeCompare(b.source));
  const fastest = ranked[0];
  const slowest = ranked[ranked.length - 1];
  if (!fastest || !slowest || ranked.length < 2 || fastest.days === slowest.days) return [];
  return [
    {
      ...PATTERN,
      rule: 'deal_cycle_by_source',
      entityType: 'deals',
      entityId: 'sources',
      message:
        `From ${deals.length} won deals: deals from ${fastest.source} close in ${plural(fastest.days, 'day')} on ` +
        `average (${fastest.deals} deals), from ${slowest.source} in ${plural(slowest.days, 'day')} (${slowest.deals} ` +
        `deals). Put more effort into ${fastest.source}.`,
      evidence: [
        { metric: 'won deals with a source', value: deals.length },
        { metric: `average days to close from ${fastest.source}`, value: fastest.days },
        { metric: `won deals from ${fastest.source}`, value: fastest.deals },
        { metric: `average days to close from ${slowest.source}`, value: slowest.days },
        { metric: `won deals from ${slowest.source}`, value: slowest.deals },
      ],
    },
  ];
};

/** The stage lost deals were in when they were lost, the most frequent one. */
export const stageDropoff = (state: EntityState): NudgeCandidate[] => {
  const lost = [...state.deals.values()].filter((deal) => deal.won === false);
  if (lost.length < MIN_SAMPLES.lostDeals) return [];
  const stage = top(tallyOf(lost, (deal) => deal.stage));
  if (!stage) return [];
  return [
    {
      ...PATTERN,
      rule: 'stage_dropoff',
      entityType: 'deals',
      entityId: 'stages',
      message:
        `From ${lost.length} lost deals: ${stage[1]} of ${lost.length} were lost in ${stage[0]}. Look at what ` +
        `happens at ${stage[0]} and tighten that step.`,
      evidence: [
        { metric: 'lost deals', value: lost.length },
        { metric: `lost in ${stage[0]}`, value: stage[1] },
      ],
    },
  ];
};

/** The top quarter of won deals by value: the source most of them share. */
export const valuableClientTraits = (state: EntityState): NudgeCandidate[] => {
  const deals = won(state);
  if (deals.length < MIN_SAMPLES.valuableDeals) return [];
  const topCount = Math.ceil(deals.length / 4);
  const best = [...deals].sort((a, b) => b.value - a.value || a.id.localeCompare(b.id)).slice(0, topCount);
  const source = top(tallyOf(best, (deal) => deal.source ?? 'an unknown source'));
  if (!source || source[1] < 2) return [];
  const topAverage = Math.round(average(best.map((deal) => deal.value)));
  const overall = Math.round(average(deals.map((deal) => deal.value)));
  return [
    {
      ...PATTERN,
      rule: 'valuable_client_traits',
      entityType: 'deals',
      entityId: 'top_clients',
      message:
        `From ${deals.length} won deals: your top ${topCount} (${dollars(topAverage)} on average, against ` +
        `${dollars(overall)} overall) came mostly from ${source[0]} (${source[1]} of ${topCount}). Find more clients there.`,
      evidence: [
        { metric: 'won deals', value: deals.length },
        { metric: 'top deals', value: topCount },
        { metric: 'average value of the top deals', value: topAverage },
        { metric: 'average won deal value', value: overall },
        { metric: `top deals from ${source[0]}`, value: source[1] },
      ],
    },
  ];
};

/** Open deals older than LONG_CYCLE_FACTOR times the average cycle of won deals. */
export const longRunningDeals = (state: EntityState, now: Date): NudgeCandidate[] => {
  const cycles = won(state).flatMap((deal) => (deal.daysToClose === undefined ? [] : [deal.daysToClose]));
  if (cycles.length < MIN_SAMPLES.averageCycle) return [];
  const averageDays = Math.round(average(cycles));
  return openDeals(state)
    .filter((deal) => wholeDays(deal.createdAt, now) > LONG_CYCLE_FACTOR * averageDays)
    .map((deal) => {
      const age = wholeDays(deal.createdAt, now);
      return {
        ...PATTERN,
        priority: 'medium',
        rule: 'long_running_deal',
        entityType: 'deal',
        entityId: deal.id,
        message:
          `Your average deal cycle is ${plural(averageDays, 'day')} (from ${cycles.length} won deals) - ` +
          `${deal.name ?? 'this deal'} is at ${age}. Ask what is blocking it, or let it go.`,
        suggestedAction: 'open_deal',
        actionParams: { dealId: deal.id },
        evidence: [
          { metric: 'average days to close', value: averageDays },
          { metric: 'won deals', value: cycles.length },
          { metric: 'days open', value: age },
        ],
      } satisfies NudgeCandidate;
    });
};

/** Every pattern analysis on the projected state. */
export const patternCandidates = (state: EntityState, now: Date, timeZone: string): NudgeCandidate[] => [
  ...longRunningDeals(state, now),
  ...bestTaskTime(state, timeZone),
  ...dealCycleBySource(state),
  ...stageDropoff(state),
  ...valuableClientTraits(state),
];
