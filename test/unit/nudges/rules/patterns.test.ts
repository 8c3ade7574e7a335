import { project } from '../../../../functions/nudges/projection';
import {
  bestTaskTime,
  dealCycleBySource,
  longRunningDeals,
  MIN_SAMPLES,
  patternCandidates,
  stageDropoff,
  valuableClientTraits,
} from '../../../../functions/nudges/rules/patterns';
import { anActivity, daysBefore } from '../../../support/activity-factory';

const now = new Date('2026-11-20T09:00:00Z');
const completions = (n: number, at: (i: number) => string) =>
  Array.from({ length: n }, (_, i) =>
    anActivity('task_completed', `t${i}`, at(i), { priority: 'medium', had_due_date: false, days_to_complete: 1 }),
  );
const wonDeal = (id: string, source: string, days: number, value = 1000) => [
  anActivity('deal_created', id, daysBefore(now, 100), { value, stage: 'lead', contact_id: 'c', source }),
  anActivity('deal_closed', id, daysBefore(now, 50), { won: true, value, days_to_close: days, source }),
];
const lostDeal = (id: string, stage: string) => [
  anActivity('deal_created', id, daysBefore(now, 100), { value: 1, stage, contact_id: 'c' }),
  anActivity('deal_closed', id, daysBefore(now, 50), { won: false, value: 1, days_to_close: 10 }),
];

describe('pattern analyses', () => {
  it('best task time needs 20 completions (19 are not enough) and reads weekday and hour in the zone', () => {
    // Tuesdays 2026-11-03 + 7k at 14:00 UTC (09:00 in New York) for 12 of them, Fridays at 20:00 UTC for the rest.
    const at = (i: number) =>
      i < 12
        ? new Date(Date.UTC(2026, 10, 3 + 7 * (i % 2), 14)).toISOString()
        : new Date(Date.UTC(2026, 10, 6, 20)).toISOString();

    expect(bestTaskTime(project(completions(MIN_SAMPLES.taskCompletions - 1, at)), 'UTC')).toEqual([]);
    const [nudge] = bestTaskTime(project(completions(20, at)), 'America/New_York');

    expect(nudge?.message).toBe(
      'From 20 completed tasks: you finish the most on Tuesdays (12 of 20) and around 09:00 (12 of 20). Plan your hardest task for then.',
    );
  });

  it('deal cycle by source needs 10 won deals with a source and 3 in each of two sources', () => {
    const deals = [
      ...['a', 'b', 'c', 'd', 'e', 'f'].flatMap((id) => wonDeal(`r${id}`, 'referral', 18)),
      ...['a', 'b', 'c'].flatMap((id) => wonDeal(`ad${id}`, 'ads', 31)),
    ];

    expect(dealCycleBySource(project(deals))).toEqual([]);
    const [nudge] = dealCycleBySource(project([...deals, ...wonDeal('ad-d', 'ads', 31)]));

    expect(nudge?.message).toBe(
      'From 10 won deals: deals from referral close in 18 days on average (6 deals), from ads in 31 days (4 deals). Put more effort into referral.',
    );
  });

  it('stage drop-off needs 5 lost deals and names the stage most were lost in', () => {
    const four = [
      ...lostDeal('a', 'proposal'),
      ...lostDeal('b', 'proposal'),
      ...lostDeal('c', 'demo'),
      ...lostDeal('d', 'proposal'),
    ];

    expect(stageDropoff(project(four))).toEqual([]);
    expect(stageDropoff(project([...four, ...lostDeal('e', 'demo')]))[0]?.evidence).toEqual([
      { metric: 'lost deals', value: 5 },
      { metric: 'lost in proposal', value: 3 },
    ]);
  });

  it('valuable client traits need 10 won deals and the top quarter sharing a source', () => {
    const small = Array.from({ length: 9 }, (_, i) =>
      wonDeal(`s${i}`, i < 6 ? 'ads' : 'referral', 20, i < 6 ? 1000 : 9000),
    ).flat();

    expect(valuableClientTraits(project(small))).toEqual([]);
    const [nudge] = valuableClientTraits(project([...small, ...wonDeal('big', 'referral', 20, 9000)]));

    expect(nudge?.message).toContain(
      'your top 3 ($9,000 on average, against $4,200 overall) came mostly from referral (3 of 3)',
    );
  });

  it('a deal running past 1.5 times the average cycle, from 5 won deals (4 are not enough)', () => {
    const cycles = ['a', 'b', 'c', 'd'].flatMap((id) => wonDeal(id, 'web', 20));
    const open = [
      anActivity('deal_created', 'acme', daysBefore(now, 45), {
        value: 1,
        stage: 'proposal',
        contact_id: 'c',
        name: 'Acme',
      }),
      anActivity('deal_created', 'young', daysBefore(now, 30), { value: 1, stage: 'proposal', contact_id: 'c' }),
    ];

    expect(longRunningDeals(project([...cycles, ...open]), now)).toEqual([]);
    const nudges = longRunningDeals(project([...cycles, ...wonDeal('e', 'web', 20), ...open]), now);

    expect(nudges.map((n) => n.message)).toEqual([
      'Your average deal cycle is 20 days (from 5 won deals) - Acme is at 45. Ask what is blocking it, or let it go.',
    ]);
  });

  it('an empty history shows no pattern', () => {
    expect(patternCandidates(project([]), now, 'UTC')).toEqual([]);
  });
});
