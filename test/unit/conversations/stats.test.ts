import type { Conversation } from '../../../functions/conversations/model';
import {
  ConversationActivity,
  ConversationStatsReport,
  InMemoryConversationStats,
} from '../../../functions/conversations/stats';
import type { Invocation } from '../../../functions/shared/invocation';
import { aConversation } from '../../support/conversation-factory';
import { settleInvocation, testInvocation } from '../../support/invocation';

const START = new Date('2026-11-21T10:00:00.000Z');
const DAY = 86_400_000;
const at = (days: number): Date => new Date(START.getTime() + days * DAY);

/** Activity counted in memory and the report over it, on a clock the test moves. */
const setup = () => {
  let now = START;
  const stats = new InMemoryConversationStats(() => now);
  const activity = new ConversationActivity(stats, 730);
  const report = new ConversationStatsReport(stats, 7, () => now);
  /** Counts in an invocation of the tenant, and settles its deferred writes as the transport does. */
  const inInvocation = async (tenantId: string, count: (invocation: Invocation) => void): Promise<void> => {
    const { invocation } = testInvocation({ tenantId });
    count(invocation);
    await settleInvocation(invocation);
  };
  /** A conversation opened `days` after the start, counted. */
  const opened = async (overrides: Partial<Conversation>, days = 0): Promise<Conversation> => {
    const conversation = aConversation(at(days), overrides);
    await inInvocation(conversation.tenantId, (invocation) => activity.opened(invocation, conversation));
    return conversation;
  };
  /** The conversation changed `days` after the start, as a turn or a status change would; `counted` from its start. */
  const changed = async (
    conversation: Conversation,
    changes: Partial<Conversation>,
    days: number,
    counted = true,
  ): Promise<Conversation> => {
    const after = { ...conversation, ...changes, updatedAt: at(days).toISOString() };
    await inInvocation(conversation.tenantId, (invocation) =>
      activity.changed(invocation, { conversation, ...(counted ? { counted } : {}) }, after),
    );
    return after;
  };
  return { report, opened, changed, travel: (days: number) => (now = at(days)) };
};

const FROM = '2026-11-01';
const TO = '2026-11-30';

describe('conversation stats', () => {
  it('counts starts, completions, and as abandoned what saw no activity for the set days, by topic', async () => {
    const { report, opened, changed, travel } = setup();
    const done = await opened({ tenantId: 't1', topic: 'core_values' });
    await opened({ tenantId: 't1', topic: 'core_values' });
    const recent = await opened({ tenantId: 't1', topic: 'vision' });
    const paused = await opened({ tenantId: 't1', topic: 'vision' });
    await changed(done, { status: 'completed' }, 1);
    await changed(recent, { turn: 3 }, 6);
    await changed(paused, { status: 'paused' }, 2);
    travel(9);

    const stats = await report.report({ from: FROM, to: TO, tenantId: 't1' });

    expect(stats).toMatchObject({
      abandonedAfterDays: 7,
      started: 4,
      completed: 1,
      abandoned: 2,
      inProgress: 1,
      completionRate: 0.333,
    });
    expect(stats.byTopic).toEqual([
      { topic: 'core_values', started: 2, completed: 1, abandoned: 1, inProgress: 0, completionRate: 0.5 },
      { topic: 'purpose', started: 0, completed: 0, abandoned: 0, inProgress: 0, completionRate: null },
      { topic: 'vision', started: 2, completed: 0, abandoned: 1, inProgress: 1, completionRate: 0 },
      { topic: 'business_coaching', started: 0, completed: 0, abandoned: 0, inProgress: 0, completionRate: null },
    ]);
  });

  it('moves a conversation to the day of its latest activity only, once a day', async () => {
    const { report, opened, changed, travel } = setup();
    const conversation = await opened({ tenantId: 't1', topic: 'purpose' });
    const sameDay = await changed(conversation, { turn: 3 }, 0.1);
    await changed(sameDay, { turn: 5 }, 3);

    travel(8);
    const lastActiveFiveDaysAgo = await report.report({ from: FROM, to: TO, tenantId: 't1' });
    travel(10);
    const lastActiveSevenDaysAgo = await report.report({ from: FROM, to: TO, tenantId: 't1' });

    expect(lastActiveFiveDaysAgo).toMatchObject({ started: 1, abandoned: 0, inProgress: 1 });
    expect(lastActiveSevenDaysAgo).toMatchObject({ started: 1, abandoned: 1, inProgress: 0 });
  });

  it('counts a conversation in the cohort of its start, for its tenant and for all tenants', async () => {
    const { report, opened, changed } = setup();
    const older = await opened({ tenantId: 't1', topic: 'vision' }, -30);
    await opened({ tenantId: 't2', topic: 'vision' });
    await changed(older, { status: 'completed' }, 0);

    const [november, october, everyone] = await Promise.all([
      report.report({ from: FROM, to: TO, tenantId: 't1' }),
      report.report({ from: '2026-10-01', to: '2026-10-31', tenantId: 't1' }),
      report.report({ from: '2026-10-01', to: TO }),
    ]);

    expect(november).toMatchObject({ started: 0, completed: 0 });
    expect(october).toMatchObject({ started: 1, completed: 1, completionRate: 1 });
    expect(everyone).toMatchObject({ started: 2, completed: 1, inProgress: 1 });
  });

  it('leaves out conversations not counted from their start, and changes of completed ones', async () => {
    const { report, opened, changed } = setup();
    const completed = await changed(await opened({ tenantId: 't1' }), { status: 'completed' }, 1);
    await changed(completed, { outcomeStatus: 'accepted' }, 2);
    await changed(aConversation(START, { tenantId: 't1' }), { status: 'completed' }, 1, false);

    const stats = await report.report({ from: FROM, to: TO, tenantId: 't1' });

    expect(stats).toMatchObject({ started: 1, completed: 1, abandoned: 0, inProgress: 0 });
  });
});
