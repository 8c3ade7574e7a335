import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

let users = 0;
/** A fresh user of the demo tenant (each test starts with no history). */
const freshUser = async (tenantId = 'acme-plumbing'): Promise<string> =>
  api.token(tenantId, `nudge-user-${(users += 1)}`);

const post = (token: string, path: string, body: unknown) =>
  api.call('POST', path, { token, body: JSON.stringify(body) });
const won = (entityId: string, eventId?: string) => ({
  action: 'deal_closed',
  entityType: 'deal',
  entityId,
  metadata: { won: true, value: 12500, days_to_close: 21, contact_name: 'Sarah' },
  ...(eventId ? { eventId } : {}),
});
const criticalIssue = (entityId: string) => ({
  action: 'issue_created',
  entityType: 'issue',
  entityId,
  metadata: { priority: 'critical', businessImpact: 'revenue', title: 'Van broke down' },
});

describe('POST /coach/activity', () => {
  it('records the activity and answers the reactive nudge, with its numbers in message and evidence', async () => {
    const token = await freshUser();

    const response = await post(token, '/coach/activity', won('deal-1'));

    expect(response.status).toBe(201);
    expect(response.json.duplicate).toBe(false);
    expect(response.json.activity).toMatchObject({ action: 'deal_closed', entityId: 'deal-1' });
    expect(response.json.nudges).toHaveLength(1);
    expect(response.json.nudges[0]).toMatchObject({
      type: 'action',
      rule: 'referral_after_win',
      priority: 'high',
      suggestedAction: 'create_task',
      actionParams: { title: 'Ask Sarah for a referral' },
    });
    expect(response.json.nudges[0].message).toContain('$12,500 won in 21 days');
    expect(response.json.nudges[0].evidence).toEqual(
      expect.arrayContaining([
        { metric: 'deal value', value: 12500 },
        { metric: 'days to close', value: 21 },
      ]),
    );
  });

  it('stores one activity per eventId and raises no second nudge, also under POST /coach/check', async () => {
    const token = await freshUser();

    const first = await post(token, '/coach/check', won('deal-2', 'evt-dup'));
    const again = await post(token, '/coach/activity', won('deal-2', 'evt-dup'));
    const list = await api.call('GET', '/coach/nudges', { token });

    expect(first.json.nudges).toHaveLength(1);
    expect(again.status).toBe(201);
    expect(again.json).toMatchObject({ duplicate: true, nudges: [] });
    expect(again.json.activity.receivedAt).toBe(first.json.activity.receivedAt);
    expect(list.json.nudges.filter((n: { rule: string }) => n.rule === 'referral_after_win')).toHaveLength(1);
  });

  it('answers 422 naming every bad metadata field of a known action', async () => {
    const token = await freshUser();

    const response = await post(token, '/coach/activity', {
      action: 'deal_closed',
      entityType: 'deal',
      entityId: 'd',
      metadata: { won: 'yes', value: -1 },
    });

    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('unprocessable');
    expect(response.json.error.details.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'body.metadata.days_to_close',
      'body.metadata.value',
      'body.metadata.won',
    ]);
  });

  it('stores an unknown action and raises nothing', async () => {
    const token = await freshUser();

    const response = await post(token, '/coach/activity', {
      action: 'invoice_sent',
      entityType: 'invoice',
      entityId: 'i1',
    });

    expect(response.status).toBe(201);
    expect(response.json.nudges).toEqual([]);
  });
});

describe('seen, dismiss and snooze', () => {
  it('take a nudge out of the pending list; dismissing one keeps the same rule and entity quiet', async () => {
    const token = await freshUser();
    const [a] = (await post(token, '/coach/activity', won('deal-a'))).json.nudges;
    const [b] = (await post(token, '/coach/activity', won('deal-b'))).json.nudges;
    const [c] = (await post(token, '/coach/activity', criticalIssue('issue-c'))).json.nudges;

    const seen = await post(token, `/coach/nudges/${a.id}/seen`, {});
    const dismissed = await post(token, `/coach/dismiss/${b.id}`, {});
    const snoozed = await post(token, `/coach/nudges/${c.id}/snooze`, { hours: 1 });
    const pending = await api.call('GET', '/coach/insights', { token });
    const repeat = await post(token, '/coach/activity', won('deal-b'));

    expect(seen.json.nudge.seenAt).toBeDefined();
    expect(dismissed.json.nudge.dismissedAt).toBeDefined();
    expect(Date.parse(snoozed.json.nudge.snoozedUntil) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(pending.json.nudges.map((n: { id: string }) => n.id)).not.toContain(a.id);
    expect(pending.json.nudges.map((n: { id: string }) => n.id)).not.toContain(b.id);
    expect(pending.json.nudges.map((n: { id: string }) => n.id)).not.toContain(c.id);
    expect(repeat.json.nudges).toEqual([]);
  });

  it('refuses a snooze of other than 1 or 24 hours', async () => {
    const token = await freshUser();
    const [nudge] = (await post(token, '/coach/activity', won('deal-s'))).json.nudges;

    const response = await post(token, `/coach/nudges/${nudge.id}/snooze`, { hours: 2 });

    expect(response.status).toBe(400);
    expect(response.json.error.details.problems[0].field).toBe('body.hours');
  });
});

describe('isolation', () => {
  it("answers 404 for another user's or another tenant's nudge, and lists only one's own", async () => {
    const owner = await freshUser('acme-plumbing');
    const colleague = await freshUser('acme-plumbing');
    const stranger = await api.token('brightside-dental', 'nudge-user-owner-twin');
    const [nudge] = (await post(owner, '/coach/activity', won('deal-i'))).json.nudges;

    const byColleague = await post(colleague, `/coach/nudges/${nudge.id}/dismiss`, {});
    const byStranger = await post(stranger, `/coach/nudges/${nudge.id}/seen`, {});
    const colleagueList = await api.call('GET', '/coach/nudges', { token: colleague });
    const ownerList = await api.call('GET', '/coach/nudges', { token: owner });

    expect([byColleague.status, byStranger.status]).toEqual([404, 404]);
    expect(byColleague.json.error.code).toBe('not_found');
    expect(colleagueList.json.nudges.map((n: { id: string }) => n.id)).not.toContain(nudge.id);
    expect(ownerList.json.nudges.map((n: { id: string }) => n.id)).toContain(nudge.id);
  });

  it('keeps the same user id in two tenants apart', async () => {
    const here = await api.token('acme-plumbing', 'same-user');
    const there = await api.token('northwind-saas', 'same-user');
    await post(here, '/coach/activity', won('deal-t'));

    const list = await api.call('GET', '/coach/nudges', { token: there });

    expect(list.json.nudges.filter((n: { rule: string }) => n.rule === 'referral_after_win')).toEqual([]);
  });
});

describe('settings', () => {
  it('answers the defaults, then keeps what a PUT changes and nothing else', async () => {
    const token = await freshUser();

    const defaults = await api.call('GET', '/coach/settings', { token });
    const changed = await api.call('PUT', '/coach/settings', {
      token,
      body: JSON.stringify({ coachLevel: 3, types: { time: false }, timeZone: 'Europe/Berlin' }),
    });

    expect(defaults.json.settings).toEqual({
      coachLevel: 2,
      enabled: true,
      staleLeadDays: 7,
      stuckDealDays: 14,
      morningBriefing: true,
      patternInsights: false,
      types: { action: true, time: true, pattern: true },
      quietHours: null,
      timeZone: 'UTC',
    });
    expect(changed.status).toBe(200);
    expect(changed.json.settings).toMatchObject({
      coachLevel: 3,
      staleLeadDays: 7,
      types: { action: true, time: false, pattern: true },
      timeZone: 'Europe/Berlin',
    });
    expect((await api.call('GET', '/coach/settings', { token })).json.settings).toEqual(changed.json.settings);
  });

  it('answers 422 naming every bad field', async () => {
    const token = await freshUser();

    const response = await api.call('PUT', '/coach/settings', {
      token,
      body: JSON.stringify({
        coachLevel: 4,
        staleLeadDays: 0,
        quietHours: { start: '25:00', end: '07:00' },
        timeZone: 'Mars/Olympus',
        loud: true,
      }),
    });

    expect(response.status).toBe(422);
    expect(response.json.error.details.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'body.coachLevel',
      'body.loud',
      'body.quietHours.start',
      'body.staleLeadDays',
      'body.timeZone',
    ]);
  });
});

describe('level, caps, cooldowns and quiet hours', () => {
  it('at level 1 raises only critical nudges', async () => {
    const token = await freshUser();
    await api.call('PUT', '/coach/settings', { token, body: JSON.stringify({ coachLevel: 1 }) });

    const win = await post(token, '/coach/activity', won('deal-l'));
    const critical = await post(token, '/coach/activity', criticalIssue('issue-l'));

    expect(win.json.nudges).toEqual([]);
    expect(critical.json.nudges.map((n: { priority: string }) => n.priority)).toEqual(['critical']);
  });

  it('delivers at most the level’s daily cap (3 at level 2)', async () => {
    const token = await freshUser();

    const answers = [];
    for (const id of ['c1', 'c2', 'c3', 'c4'])
      answers.push((await post(token, '/coach/activity', won(id))).json.nudges.length);

    expect(answers).toEqual([1, 1, 1, 0]);
  });

  it('does not raise the same rule and entity again within its cooldown', async () => {
    const token = await freshUser();

    const first = await post(token, '/coach/activity', won('deal-cd'));
    const second = await post(token, '/coach/activity', won('deal-cd'));

    expect([first.json.nudges.length, second.json.nudges.length]).toEqual([1, 0]);
  });

  it('shows nothing during quiet hours: the nudge waits, stored for after them', async () => {
    const token = await freshUser();
    const now = new Date();
    const hh = (offset: number) => `${String((now.getUTCHours() + offset + 24) % 24).padStart(2, '0')}:00`;
    await api.call('PUT', '/coach/settings', {
      token,
      body: JSON.stringify({ quietHours: { start: hh(-1), end: hh(2) } }),
    });

    const raised = await post(token, '/coach/activity', won('deal-q'));
    const list = await api.call('GET', '/coach/nudges', { token });

    expect(raised.json.nudges).toEqual([]);
    expect(list.json.nudges).toEqual([]);
  });
});
