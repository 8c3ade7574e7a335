import { daysBefore } from '../../../functions/shared/metrics/trends';
import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const TENANT = 'brightside-dental';
const today = (): string => new Date().toISOString().slice(0, 10);
const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** A 40-day overall score falling 0.5 a day to 47, and a goal stalled at 38, ending yesterday. */
const fallingHistory = () =>
  Array.from({ length: 40 }, (_, i) => {
    const date = daysBefore(today(), 40 - i);
    return [
      { date, metric: 'overallScore', value: 66.5 - i * 0.5 },
      { date, metric: 'goalProgress', entityId: '302', value: 55 },
    ];
  }).flat();

const importFor = async (tenantId: string, points: unknown, role: 'platform-admin' | 'admin' = 'platform-admin') =>
  api.call('POST', `/admin/tenants/${tenantId}/metrics/import`, {
    token: await api.token(tenantId, 'ops', role),
    ...json({ points }),
  });

describe('POST /admin/tenants/{id}/metrics/import', () => {
  it('imports a history once: the same points again change nothing', async () => {
    const first = await importFor('metrics-idem', fallingHistory());
    const again = await importFor('metrics-idem', fallingHistory());
    const read = await api.call('GET', `/metrics/history?metric=overallScore&from=${daysBefore(today(), 60)}`, {
      token: await api.token('metrics-idem'),
    });

    expect(first.status).toBe(200);
    expect(first.json).toEqual({ imported: 80, days: 40 });
    expect(again.json).toEqual(first.json);
    expect(read.json.points).toHaveLength(40);
    expect(read.json.points[39]).toEqual({ date: daysBefore(today(), 1), value: 47 });
  });

  it('answers 422 naming every bad row, and writes none of the good ones', async () => {
    const future = daysBefore(today(), -3);
    const response = await importFor('metrics-bad', [
      { date: daysBefore(today(), 2), metric: 'overallScore', value: 50 },
      { date: '2026-02-30', metric: 'overallScore', value: 50 },
      { date: future, metric: 'overallScore', value: 50 },
      { date: daysBefore(today(), 2), metric: 'revenue', value: 50 },
      { date: daysBefore(today(), 2), metric: 'goalProgress', value: 50 },
      { date: daysBefore(today(), 2), metric: 'openIssues', entityId: 'x', value: 2 },
      { date: daysBefore(today(), 2), metric: 'atRisk', value: 'three' },
      { date: daysBefore(today(), 2), metric: 'overallScore', value: 51 },
    ]);
    const read = await api.call('GET', '/metrics/history?metric=overallScore', {
      token: await api.token('metrics-bad'),
    });

    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('unprocessable');
    expect(response.json.error.details.problems.map((p: { field: string }) => p.field)).toEqual([
      'body.points[1]',
      'body.points[2]',
      'body.points[3]',
      'body.points[4]',
      'body.points[5]',
      'body.points[6]',
      'body.points[7]',
    ]);
    expect(JSON.stringify(response.json.error.details)).toMatch(
      /in the future.*not one of.*needs an entityId.*leave entityId out.*finite number.*repeats body\.points\[0\]/,
    );
    expect(read.json.points).toEqual([]);
  });

  it("is a platform admin's: a tenant's own admin gets 403", async () => {
    const response = await importFor(TENANT, fallingHistory(), 'admin');

    expect(response.status).toBe(403);
  });
});

describe('GET /metrics/history', () => {
  it('needs an entityId for per-entity metrics and a range of at most 400 days', async () => {
    const token = await api.token(TENANT);
    const noEntity = await api.call('GET', '/metrics/history?metric=goalProgress', { token });
    const tooLong = await api.call('GET', `/metrics/history?metric=overallScore&from=2024-01-01&to=2026-01-01`, {
      token,
    });
    const unknown = await api.call('GET', '/metrics/history?metric=revenue', { token });

    expect([noEntity.status, tooLong.status, unknown.status]).toEqual([400, 400, 400]);
    expect(noEntity.json.error.details.problems[0].field).toBe('query.entityId');
  });

  it("never shows another tenant's history", async () => {
    await importFor('metrics-owner', fallingHistory());

    const other = await api.call('GET', '/metrics/history?metric=overallScore', {
      token: await api.token('metrics-other'),
    });

    expect(other.status).toBe(200);
    expect(other.json.points).toEqual([]);
  });
});

describe('trends', () => {
  it('GET /metrics/trends states the change of an imported history with its numbers', async () => {
    await importFor('metrics-trends', fallingHistory());

    const response = await api.call('GET', '/metrics/trends', { token: await api.token('metrics-trends') });

    expect(response.status).toBe(200);
    expect(response.json.overall.change).toMatchObject({ days: 30, from: 62, to: 47, change: -15 });
    expect(response.json.stalledGoals).toEqual([expect.objectContaining({ id: '302', progress: 55, days: 39 })]);
  });

  it('a generation records the day and its insights state the trend of the history', async () => {
    // Brightside's score today is 71: 0.4 a day down to 71.4 yesterday, from 83 thirty days ago.
    const history = Array.from({ length: 40 }, (_, i) => ({
      date: daysBefore(today(), 40 - i),
      metric: 'overallScore',
      value: Math.round((87 - i * 0.4) * 10) / 10,
    }));
    await api.clearTenant(TENANT);
    await importFor(TENANT, history);
    const token = await api.token(TENANT);

    const { settled } = await api.settledInsights(token);
    const recorded = await api.call('GET', `/metrics/history?metric=overallScore&from=${today()}`, { token });
    const trend = settled.json.items.find((insight: { signalKey?: string }) => insight.signalKey === 'score_change');

    expect(recorded.json.points).toEqual([{ date: today(), value: 71 }]);
    expect(trend?.description).toMatch(/Overall score fell 12 points in 30 days \(83 -> 71\)/);
    expect(trend.evidence).toEqual(
      expect.arrayContaining([{ source: 'history', metric: 'overall score now', value: 71 }]),
    );
  });
});
