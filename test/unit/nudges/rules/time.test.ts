import type { Goal } from '../../../../functions/shared/business-api/model';
import { DEFAULT_SETTINGS } from '../../../../functions/nudges/model';
import { project } from '../../../../functions/nudges/projection';
import {
  goalsBehind,
  morningBriefing,
  overdueTasks,
  staleLeads,
  stuckDeals,
  timeCandidates,
} from '../../../../functions/nudges/rules/time';
import { anActivity, daysBefore } from '../../../support/activity-factory';

const now = new Date('2026-11-20T09:00:00Z');
const settings = { ...DEFAULT_SETTINGS };
const DAY = 86_400_000;
const lead = (id: string, at: string) =>
  anActivity('contact_created', id, at, { source: 'web', status: 'lead', name: id });
const task = (id: string, due: string, priority = 'high') =>
  anActivity('task_created', id, daysBefore(now, 30), { priority, has_due_date: true, due_date: due, title: id });

describe('time triggers', () => {
  it('a lead is stale only past staleLeadDays: exactly 7 days is not, 7 days and a minute is', () => {
    const exactly = lead('exact', new Date(now.getTime() - 7 * DAY).toISOString());
    const past = lead('past', new Date(now.getTime() - 7 * DAY - 60_000).toISOString());
    const touched = lead('touched', daysBefore(now, 20));
    const contacted = anActivity('contact_contacted', 'touched', daysBefore(now, 1));

    const nudges = staleLeads(project([exactly, past, touched, contacted]), now, settings);

    expect(nudges.map((n) => n.entityId)).toEqual(['past']);
    expect(nudges[0]?.evidence).toContainEqual({ metric: 'days since last contact', value: 7 });
  });

  it('a deal is stuck past stuckDealDays in one stage; a stage change restarts the count; closed deals never', () => {
    const history = [
      anActivity('deal_created', 'old', daysBefore(now, 15), {
        value: 5000,
        stage: 'proposal',
        contact_id: 'c',
        name: 'Acme',
      }),
      anActivity('deal_created', 'moved', daysBefore(now, 30), { value: 5000, stage: 'lead', contact_id: 'c' }),
      anActivity('deal_stage_changed', 'moved', daysBefore(now, 3), {
        old_stage: 'lead',
        new_stage: 'proposal',
        days_in_stage: 27,
      }),
      anActivity('deal_created', 'closed', daysBefore(now, 40), { value: 5000, stage: 'lead', contact_id: 'c' }),
      anActivity('deal_closed', 'closed', daysBefore(now, 1), { won: true, value: 5000, days_to_close: 39 }),
    ];

    const nudges = stuckDeals(project(history), now, settings);

    expect(nudges.map((n) => n.entityId)).toEqual(['old']);
    expect(nudges[0]?.message).toBe(
      'Acme ($5,000) has sat in proposal for 15 days, past your 14 days limit: book the next step or close it out.',
    );
  });

  it('overdue tasks pile up at 3 (2 are not), counted against today in the user zone', () => {
    const two = [task('a', '2026-11-18'), task('b', '2026-11-19')];
    const three = [...two, task('c', '2026-11-19', 'low')];
    const dueToday = task('d', '2026-11-20');

    expect(overdueTasks(project(two), now, settings)).toEqual([]);
    expect(overdueTasks(project([...three, dueToday]), now, settings)[0]?.evidence).toEqual([
      { metric: 'overdue tasks', value: 3 },
      { metric: 'oldest due date', value: '2026-11-18' },
    ]);
    // At 09:00 UTC it is still the 19th in Honolulu: the task due on the 19th is not overdue there.
    expect(overdueTasks(project(three), now, { ...settings, timeZone: 'Pacific/Honolulu' })).toEqual([]);
  });

  it('goals behind or past their target date are raised; completed and on-track ones are not', () => {
    const goals: Goal[] = [
      { id: 'g1', title: 'Revenue', status: 'behind', progress: 40, targetDate: '2026-12-31' },
      { id: 'g2', title: 'Hiring', status: 'on_track', targetDate: '2026-11-01' },
      { id: 'g3', title: 'Done', status: 'completed', targetDate: '2026-11-01' },
      { id: 'g4', title: 'Fine', status: 'on_track', targetDate: '2026-12-01' },
    ];

    const nudges = goalsBehind(goals, now, settings);

    expect(nudges.map((n) => n.entityId)).toEqual(['g1', 'g2']);
    expect(nudges[0]?.message).toContain('"Revenue" is behind schedule at 40% done (target 2026-12-31)');
    expect(nudges[1]?.message).toContain('past its target date');
  });

  it('the morning briefing counts today in the user zone, from 06:00 to noon, once per local day', () => {
    const history = [task('a', '2026-11-20'), task('b', '2026-11-20'), task('late', '2026-11-10', 'low')];

    const [briefing] = morningBriefing(project(history), now, settings);
    const tokyoEvening = morningBriefing(project(history), now, { ...settings, timeZone: 'Asia/Tokyo' });
    const early = morningBriefing(project(history), new Date('2026-11-20T05:59:00Z'), settings);
    const off = morningBriefing(project(history), now, { ...settings, morningBriefing: false });

    expect(briefing?.message).toBe('Good morning! 2 high-priority tasks today, 1 task overdue.');
    expect(briefing?.entityId).toBe('2026-11-20');
    expect([tokyoEvening, early, off]).toEqual([[], [], []]);
  });

  it('the briefing follows DST: 10:30 UTC is 06:30 in New York in summer, 05:30 in winter', () => {
    const history = [task('a', '2026-07-01'), task('b', '2026-12-01')];
    const ny = { ...settings, timeZone: 'America/New_York' };

    expect(morningBriefing(project(history), new Date('2026-07-01T10:30:00Z'), ny)).toHaveLength(1);
    expect(morningBriefing(project(history), new Date('2026-12-01T10:30:00Z'), ny)).toEqual([]);
    expect(morningBriefing(project(history), new Date('2026-12-01T11:30:00Z'), ny)).toHaveLength(1);
  });

  it('an empty history and no goals raise nothing', () => {
    expect(timeCandidates(project([]), [], now, settings)).toEqual([]);
  });
});
