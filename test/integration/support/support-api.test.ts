import { DEFAULT_SUPPORT_CONFIG } from '../../../functions/support/model';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/local-api';

const TENANT = 'acme-plumbing';
const OTHER = 'northwind-saas';
/** Departments of their own, so each test's queue starts empty whatever the others queued. */
const SUPPORT_CONFIG = {
  categories: {
    ...DEFAULT_SUPPORT_CONFIG.categories,
    returns: { department: 'returns_desk', skills: ['returns'] },
    payroll: { department: 'payroll_desk', skills: ['payroll'] },
  },
};

let api: TestApi;
let owner: string;
let otherUser: string;
let admin: string;
let otherAdmin: string;
let platformAdmin: string;

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules', SUPPORT_CONFIG: JSON.stringify(SUPPORT_CONFIG) });
  owner = await api.token(TENANT, 'owner-1');
  otherUser = await api.token(OTHER, 'owner-9');
  admin = await api.token(TENANT, 'boss', 'admin');
  otherAdmin = await api.token(OTHER, 'boss-9', 'admin');
  platformAdmin = await api.token('platform', 'ops-1', 'platform-admin');
});
afterAll(async () => api.close());

const escalate = (token: string, body: unknown): Promise<ApiResponse> =>
  api.call('POST', '/ai/escalate', { token, body: JSON.stringify(body) });
const move = (token: string, ticketId: string, status: string, query = ''): Promise<ApiResponse> =>
  api.call('PATCH', `/admin/tickets/${ticketId}${query}`, { token, body: JSON.stringify({ status }) });
const ticketIds = (response: ApiResponse): string[] =>
  response.json.items.map((ticket: { ticketId: string }) => ticket.ticketId);
const request = { reason: 'Our payroll export stopped', priority: 'normal', category: 'payroll' } as const;

describe('POST /ai/escalate -> GET /admin/tickets -> PATCH /admin/tickets/{id}', () => {
  it("opens a ticket with the owner's conversation, which their admin lists, reads and moves", async () => {
    const started = await api.call('POST', '/conversations', {
      token: owner,
      body: JSON.stringify({ topic: 'vision' }),
    });
    const conversationId = started.json.conversation.id as string;
    await api.call('POST', `/conversations/${conversationId}/messages`, {
      token: owner,
      body: JSON.stringify({ message: 'We want to be the most trusted plumber in Ohio.' }),
    });

    const escalated = await escalate(owner, { ...request, category: 'technical', conversationId });

    expect(escalated.status).toBe(201);
    expect(escalated.json).toMatchObject({
      ticketId: expect.stringMatching(/^\d{17}-[0-9a-f]{8}$/),
      queuePosition: expect.any(Number),
      estimatedWaitTime: expect.any(Number),
      agentAvailability: expect.any(Boolean),
      escalationDetails: {
        department: 'technical_support',
        skillsRequired: ['integrations', 'troubleshooting'],
        context: { conversationId, messagesIncluded: 3 },
      },
      followUp: expect.any(String),
    });
    const { ticketId } = escalated.json;

    const listed = await api.call('GET', '/admin/tickets', { token: admin });
    const read = await api.call('GET', `/admin/tickets/${ticketId}`, { token: admin });
    const taken = await move(admin, ticketId, 'in_progress');
    const closed = await move(admin, ticketId, 'closed');
    const reopened = await move(admin, ticketId, 'open');
    const closedList = await api.call('GET', '/admin/tickets?status=closed', { token: admin });

    expect(listed.status).toBe(200);
    expect(ticketIds(listed)).toContain(ticketId);
    expect(read.json).toMatchObject({
      ticketId,
      tenantId: TENANT,
      userId: 'owner-1',
      status: 'open',
      priority: 'normal',
      conversationId,
    });
    expect(read.json.history.map((message: { role: string }) => message.role)).toEqual([
      'assistant',
      'user',
      'assistant',
    ]);
    expect(read.json.history[1].content).toBe('We want to be the most trusted plumber in Ohio.');
    expect([taken.status, taken.json.status]).toEqual([200, 'in_progress']);
    expect([closed.status, closed.json.status]).toEqual([200, 'closed']);
    expect(reopened.status).toBe(409);
    expect(reopened.json.error).toEqual({ code: 'conflict', message: 'A closed ticket cannot become open.' });
    expect(ticketIds(closedList)).toContain(ticketId);
  });

  it('queues by department across tenants: urgent first, then by age; a ticket taken leaves the queue', async () => {
    const returns = { ...request, category: 'returns' };

    const first = await escalate(owner, returns);
    const second = await escalate(otherUser, returns);
    const urgent = await escalate(owner, { ...returns, priority: 'urgent' });
    await move(admin, first.json.ticketId, 'in_progress');
    const afterTaken = await escalate(owner, returns);
    const elsewhere = await escalate(owner, request);

    expect([first, second, urgent, afterTaken].map((response) => response.json.queuePosition)).toEqual([1, 2, 1, 3]);
    expect(second.json.estimatedWaitTime).toBeGreaterThan(first.json.estimatedWaitTime);
    expect(first.json.escalationDetails.department).toBe('returns_desk');
    expect(elsewhere.json.escalationDetails.department).toBe('payroll_desk');
  });

  it('pages the list with cursors, newest first', async () => {
    const pager = await api.token('brightside-dental', 'pager');
    const pagerAdmin = await api.token('brightside-dental', 'pager-boss', 'admin');
    const opened = [];
    for (let i = 0; i < 3; i += 1) opened.push((await escalate(pager, request)).json.ticketId as string);

    const first = await api.call('GET', '/admin/tickets?page_size=2', { token: pagerAdmin });
    const second = await api.call('GET', `/admin/tickets?page_size=2&cursor=${first.json.cursor}`, {
      token: pagerAdmin,
    });

    expect(first.json.pageSize).toBe(2);
    expect([...ticketIds(first), ...ticketIds(second)]).toEqual([...opened].reverse());
    expect(second.json.cursor).toBeUndefined();
  });

  it('files a conversation hand-off as a coaching ticket carrying its history', async () => {
    const handing = await api.token(TENANT, 'owner-handoff');
    const started = await api.call('POST', '/conversations', {
      token: handing,
      body: JSON.stringify({ topic: 'vision' }),
    });
    const conversationId = started.json.conversation.id as string;

    const reply = await api.call('POST', `/conversations/${conversationId}/messages`, {
      token: handing,
      body: JSON.stringify({ message: 'Can I talk to a real person about this?' }),
    });
    const listed = await api.call('GET', '/admin/tickets?page_size=100', { token: admin });

    expect(reply.json.handoff).toEqual({ offered: true, reason: 'escalate' });
    const ticket = listed.json.items.find(
      (each: { conversationId?: string }) => each.conversationId === conversationId,
    );
    expect(ticket).toMatchObject({ userId: 'owner-handoff', category: 'coaching', priority: 'high', status: 'open' });
    expect(ticket.history.at(1)).toMatchObject({ role: 'user', content: 'Can I talk to a real person about this?' });
  });
});

describe('tenant isolation and roles', () => {
  it("keeps tenant A's tickets from tenant B's admin, users and other tenants' admins; platform admins see all", async () => {
    const { ticketId } = (await escalate(owner, request)).json;

    const bList = await api.call('GET', '/admin/tickets?page_size=100', { token: otherAdmin });
    const bRead = await api.call('GET', `/admin/tickets/${ticketId}`, { token: otherAdmin });
    const bMove = await move(otherAdmin, ticketId, 'closed');
    const bNamesA = await api.call('GET', `/admin/tickets?tenantId=${TENANT}`, { token: otherAdmin });
    const bMovesNamingA = await move(otherAdmin, ticketId, 'closed', `?tenantId=${TENANT}`);
    const userList = await api.call('GET', '/admin/tickets', { token: owner });
    const platformList = await api.call('GET', `/admin/tickets?tenantId=${TENANT}&page_size=100`, {
      token: platformAdmin,
    });
    const platformOwn = await api.call('GET', '/admin/tickets', { token: platformAdmin });
    const platformMove = await move(platformAdmin, ticketId, 'resolved', `?tenantId=${TENANT}`);
    const stillOpenForA = await api.call('GET', `/admin/tickets/${ticketId}`, { token: admin });

    expect(bList.status).toBe(200);
    expect(ticketIds(bList)).not.toContain(ticketId);
    expect([bRead.status, bRead.json.error.code]).toEqual([404, 'not_found']);
    expect([bMove.status, bMove.json.error.code]).toEqual([404, 'not_found']);
    expect([bNamesA.status, bMovesNamingA.status, userList.status]).toEqual([403, 403, 403]);
    expect(bNamesA.json.error.message).toBe("A tenant's administrator may only act on their own tenant");
    expect(userList.json.error.message).toBe('This operation is for administrators only');
    expect(ticketIds(platformList)).toContain(ticketId);
    expect(platformOwn.json.items).toEqual([]);
    expect([platformMove.status, platformMove.json.status]).toEqual([200, 'resolved']);
    expect(stillOpenForA.json.status).toBe('resolved');
  });

  it("refuses another user's conversation as not found", async () => {
    const started = await api.call('POST', '/conversations', {
      token: owner,
      body: JSON.stringify({ topic: 'vision' }),
    });

    const stranger = await escalate(await api.token(TENANT, 'someone-else'), {
      ...request,
      conversationId: started.json.conversation.id,
    });
    const otherTenant = await escalate(otherUser, { ...request, conversationId: started.json.conversation.id });

    expect([stranger.status, otherTenant.status]).toEqual([404, 404]);
    expect(stranger.json.error.code).toBe('not_found');
  });
});

describe('bad input', () => {
  it.each([
    [{ priority: 'normal', category: 'billing' }, 'body.reason'],
    [{ ...request, reason: '   ' }, 'body.reason'],
    [{ ...request, priority: 'asap' }, 'body.priority'],
    [{ ...request, category: 'Billing Dept' }, 'body.category'],
    [{ ...request, conversationId: 'not-a-conversation' }, 'body.conversationId'],
    [{ ...request, userId: 'someone' }, 'body.userId'],
  ])('POST /ai/escalate %j: 400 naming %s', async (body, field) => {
    const response = await escalate(owner, body);

    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_error');
    expect(response.json.error.details.problems.map((problem: { field: string }) => problem.field)).toContain(field);
  });

  it.each([
    ['GET', '/admin/tickets?status=lost', undefined, 'query.status'],
    ['GET', '/admin/tickets?tenantId=a%23b&page_size=1', undefined, 'query.tenantId'],
    ['GET', '/admin/tickets/not-a-ticket', undefined, 'path.id'],
    ['PATCH', '/admin/tickets/20261202170000000-00000000', '{"status":"deleted"}', 'body.status'],
    ['PATCH', '/admin/tickets/20261202170000000-00000000', '{}', 'body.status'],
  ])('%s %s (body %s): 400 naming %s', async (method, path, body, field) => {
    // A platform admin's token: a tenant's admin naming another tenant is refused (403) before the query is read.
    const response = await api.call(method, path, { token: platformAdmin, ...(body ? { body } : {}) });

    expect(response.status).toBe(400);
    expect(response.json.error.details.problems.map((problem: { field: string }) => problem.field)).toContain(field);
  });

  it('answers 404 for a well-formed ticket id the tenant does not have', async () => {
    const response = await move(admin, '20261202170000000-00000000', 'closed');

    expect(response.status).toBe(404);
    expect(response.json.error).toEqual({ code: 'not_found', message: 'No such ticket.' });
  });
});
