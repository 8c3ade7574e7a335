import { project } from '../../../../functions/nudges/projection';
import { reactiveCandidates } from '../../../../functions/nudges/rules/reactive';
import { anActivity, daysBefore } from '../../../support/activity-factory';

const now = new Date('2026-11-20T10:00:00Z');
const closedWon = (id: string, value: number, source: string, days = 1) =>
  anActivity('deal_closed', id, daysBefore(now, days), { won: true, value, days_to_close: 20, source });

describe('reactive rules', () => {
  it('a won deal asks for a referral with a create_task action; a lost one raises nothing', () => {
    const win = anActivity('deal_closed', 'd1', now.toISOString(), {
      won: true,
      value: 8000,
      days_to_close: 12,
      contact_name: 'Sarah',
    });
    const loss = anActivity('deal_closed', 'd2', now.toISOString(), { won: false, value: 8000, days_to_close: 12 });

    const [nudge] = reactiveCandidates(win, project([win]));

    expect(nudge).toMatchObject({ rule: 'referral_after_win', priority: 'high', suggestedAction: 'create_task' });
    expect(nudge?.message).toBe("Nice close! $8,000 won in 12 days. Ask Sarah for a referral while they're happy.");
    expect(reactiveCandidates(loss, project([loss]))).toEqual([]);
  });

  it('names the most valuable source only with 3 won deals from it (not 2) and another source to compare', () => {
    const history = [
      closedWon('r1', 9000, 'referral', 5),
      closedWon('r2', 9000, 'referral', 4),
      closedWon('a1', 1000, 'ads', 3),
      closedWon('a2', 1000, 'ads', 3),
      closedWon('a3', 1000, 'ads', 3),
    ];
    const third = closedWon('r3', 12000, 'referral', 0);

    const two = reactiveCandidates(history[1]!, project(history));
    const three = reactiveCandidates(third, project([...history, third]));

    expect(two[0]?.message).not.toContain('most valuable');
    expect(three[0]?.message).toContain(
      'Deals from referral are your most valuable ($10,000 on average over 3 won deals)',
    );
    expect(three[0]?.evidence).toContainEqual({ metric: 'won deals from referral', value: 3 });
  });

  it('a completed task points at the next high-priority open task by name, by due date; none when none is open', () => {
    const history = [
      anActivity('task_created', 't1', daysBefore(now, 5), {
        priority: 'high',
        has_due_date: true,
        due_date: '2026-11-25',
        title: 'Call the bank',
      }),
      anActivity('task_created', 't2', daysBefore(now, 4), {
        priority: 'high',
        has_due_date: true,
        due_date: '2026-11-21',
        title: 'Send quotes',
      }),
      anActivity('task_created', 't3', daysBefore(now, 4), { priority: 'low', has_due_date: false, title: 'Tidy' }),
    ];
    const done = anActivity('task_completed', 't9', now.toISOString(), {
      priority: 'medium',
      had_due_date: false,
      days_to_complete: 1,
    });

    const [next] = reactiveCandidates(done, project([...history, done]));
    const alone = reactiveCandidates(done, project([done]));

    expect(next?.message).toBe(
      'Done! Next up: "Send quotes" (high priority, due 2026-11-21); 2 high-priority tasks still open.',
    );
    expect(alone).toEqual([]);
  });

  it('a new lead asks for contact within 24 hours; a contact that is a customer does not', () => {
    const lead = anActivity('contact_created', 'c1', now.toISOString(), {
      source: 'website',
      status: 'lead',
      name: 'Ann',
    });
    const customer = anActivity('contact_created', 'c2', now.toISOString(), { source: 'website', status: 'customer' });

    expect(reactiveCandidates(lead, project([lead]))[0]).toMatchObject({ rule: 'contact_new_lead', ttlHours: 24 });
    expect(reactiveCandidates(customer, project([customer]))).toEqual([]);
  });

  it('a goal turned at risk asks to review its strategy; a critical issue asks to schedule it; lesser ones nothing', () => {
    const risk = anActivity('goal_status_changed', 'g1', now.toISOString(), {
      old_status: 'on_track',
      new_status: 'at_risk',
      title: 'Hire 2 techs',
    });
    const onTrack = anActivity('goal_status_changed', 'g1', now.toISOString(), {
      old_status: 'at_risk',
      new_status: 'on_track',
    });
    const critical = anActivity('issue_created', 'i1', now.toISOString(), {
      priority: 'critical',
      businessImpact: 'revenue',
    });
    const high = anActivity('issue_created', 'i2', now.toISOString(), { priority: 'high' });

    expect(reactiveCandidates(risk, project([risk]))[0]).toMatchObject({
      rule: 'goal_at_risk',
      suggestedAction: 'review_goal',
    });
    expect(reactiveCandidates(onTrack, project([onTrack]))).toEqual([]);
    expect(reactiveCandidates(critical, project([critical]))[0]).toMatchObject({
      rule: 'schedule_critical_issue',
      priority: 'critical',
    });
    expect(reactiveCandidates(high, project([high]))).toEqual([]);
  });

  it('raises nothing for an unknown action or metadata its schema refuses', () => {
    const unknown = anActivity('invoice_sent', 'x', now.toISOString(), { won: true });
    const broken = anActivity('deal_closed', 'x', now.toISOString(), { won: true });

    expect(reactiveCandidates(unknown, project([unknown]))).toEqual([]);
    expect(reactiveCandidates(broken, project([broken]))).toEqual([]);
  });
});
