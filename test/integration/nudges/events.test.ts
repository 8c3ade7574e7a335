import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { lambdaContext } from '../../../local/lambda-context';
import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const event = (id: string, detail: unknown): EventBridgeEvent<'ActivityLogged', unknown> => ({
  version: '0',
  id,
  'detail-type': 'ActivityLogged',
  source: 'crm.deals',
  account: '000000000000',
  time: '2026-11-20T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});
const ingest = async (e: EventBridgeEvent<'ActivityLogged', unknown>): Promise<string> => {
  const { handler } = await import('../../../functions/nudges/handlers/ingest-activity-event');
  return handler(e, lambdaContext('ingestActivityEvent'));
};
const issue = (userId: string, tenantId = 'acme-plumbing') => ({
  tenantId,
  userId,
  action: 'issue_created',
  entityType: 'issue',
  entityId: 'i1',
  metadata: { priority: 'critical' },
});

describe('ActivityLogged events', () => {
  it("records the activity for the detail's tenant and user, once per event id, and raises its nudge", async () => {
    const first = await ingest(event('eb-1', issue('eb-user')));
    const redelivered = await ingest(event('eb-1', issue('eb-user')));
    const owner = await api.call('GET', '/coach/nudges', { token: await api.token('acme-plumbing', 'eb-user') });
    const otherTenant = await api.call('GET', '/coach/nudges', { token: await api.token('northwind-saas', 'eb-user') });

    expect([first, redelivered]).toEqual(['recorded', 'duplicate']);
    const rules = (list: { json: { nudges: { rule: string }[] } }) => list.json.nudges.map((n) => n.rule);
    expect(rules(owner).filter((rule) => rule === 'schedule_critical_issue')).toHaveLength(1);
    expect(rules(otherTenant)).not.toContain('schedule_critical_issue');
  });

  it('refuses (without throwing) an event that is not an activity, or whose metadata is invalid', async () => {
    const noTenant = await ingest(event('eb-2', { ...issue('eb-user-2'), tenantId: undefined }));
    const badMetadata = await ingest(event('eb-3', { ...issue('eb-user-2'), metadata: { priority: 'urgent!' } }));

    expect([noTenant, badMetadata]).toEqual(['refused', 'refused']);
  });
});

describe('the hourly schedule', () => {
  it('raises the time nudges of users active this week', async () => {
    const lead = {
      tenantId: 'brightside-dental',
      userId: 'sched-user',
      action: 'contact_created',
      entityType: 'contact',
      entityId: 'lead-1',
      occurredAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      metadata: { source: 'website', status: 'lead', name: 'Dana' },
    };
    await ingest(event('eb-4', lead));
    const token = await api.token('brightside-dental', 'sched-user');
    await api.call('PUT', '/coach/settings', { token, body: JSON.stringify({ coachLevel: 3 }) });
    const { handler } = await import('../../../functions/nudges/handlers/evaluate-nudges');

    const run = await handler({}, lambdaContext('evaluateNudges'));
    const { Items = [] } = await api.db.send(
      new QueryCommand({
        TableName: api.stack.env.NUDGES_TABLE ?? 'coaching-nudges',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :nudge)',
        ExpressionAttributeValues: { ':pk': 'TENANT#brightside-dental#USER#sched-user', ':nudge': 'NUDGE#stale_lead#' },
      }),
    );

    expect(run.failed).toBe(0);
    expect(run.raised).toBeGreaterThanOrEqual(1);
    expect(Items.map((item) => item.entityId)).toEqual(['lead-1']);
  });
});
