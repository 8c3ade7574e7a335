import { ValidationError } from '../../../functions/shared/errors';
import { InMemoryUsageLedger } from '../../../functions/shared/usage/in-memory-usage-ledger';
import type { TenantLimits } from '../../../functions/shared/usage/ledger';
import { usageReportQuerySchema } from '../../../functions/usage/model';
import { UsageReports } from '../../../functions/usage/service';
import { TextFile } from '../../../functions/shared/text-file';
import { HAIKU, meterCall, SONNET } from '../../support/usage-fakes';
import { baseModelId, DEFAULT_MODEL_CATALOGUE } from '../../../functions/shared/llm/models';

const NOVA = 'us.amazon.nova-lite-v1:0';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const DEFAULTS: TenantLimits = { monthlyTokenBudget: 100_000, monthlyCostBudgetUsd: 10, userRequestsPerMinute: 30 };

let ledger: InMemoryUsageLedger;
let reports: UsageReports;

/** The report query as the route parses it (groupBy defaults to day). */
const query = (input: Record<string, string> = {}) => usageReportQuerySchema.parse(input);

/** The amounts of `calls` of the default metered call (1,000 tokens in, 200 out, no cache) costing `costUsd`. */
const amounts = (calls: number, costUsd: number) => ({
  calls,
  tokens: calls * 1_200,
  inputTokens: calls * 1_000,
  outputTokens: calls * 200,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd,
});

beforeEach(() => {
  ledger = new InMemoryUsageLedger();
  reports = new UsageReports(ledger, DEFAULTS, () => NOW);
});

describe('month', () => {
  it("reports this month's tokens by kind and cost against the tenant's limits, for each request type that was used", async () => {
    await meterCall(ledger, 'tenant-a', NOW, { usage: { cacheReadInputTokens: 300, cacheWriteInputTokens: 50 } });
    await meterCall(ledger, 'tenant-a', new Date('2026-11-02T08:00:00Z'), { requestType: 'conversation' });
    await meterCall(ledger, 'tenant-a', new Date('2026-10-31T23:00:00Z'));
    await meterCall(ledger, 'tenant-b', NOW);

    const month = await reports.month('tenant-a');

    const call = { calls: 1, tokens: 1_200, inputTokens: 1_000, outputTokens: 200, costUsd: 0.006 };
    expect(month).toEqual({
      month: '2026-11',
      resetsAt: '2026-12-01T00:00:00.000Z',
      tokens: {
        used: 2_400,
        limit: 100_000,
        percent: 2.4,
        inputTokens: 2_000,
        outputTokens: 400,
        cacheReadTokens: 300,
        cacheWriteTokens: 50,
      },
      cost: { usedUsd: 0.012, limitUsd: 10, percent: 0.1 },
      byRequestType: {
        insights: { ...call, cacheReadTokens: 300, cacheWriteTokens: 50 },
        conversation: { ...call, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      // 21 of November's 30 days have begun (today counted whole): 2,400 / 21 × 30 and $0.012 / 21 × 30.
      projection: { tokens: 3_429, costUsd: 0.017143, exceedsBudget: false, elapsedDays: 21, daysInMonth: 30 },
    });
  });

  it("measures against the tenant's override, and counts a zero budget as fully used", async () => {
    await ledger.updateLimits('tenant-a', { monthlyTokenBudget: 0, monthlyCostBudgetUsd: 1 }, 'admin', NOW);

    const month = await reports.month('tenant-a');

    expect(month.tokens).toMatchObject({ used: 0, limit: 0, percent: 100 });
    expect(month.cost).toEqual({ usedUsd: 0, limitUsd: 1, percent: 0 });
  });

  it('projects the month past its budget when the daily pace would spend it before the month ends', async () => {
    // 3 calls of 1,200 tokens in 10 days: 3,600 tokens, 36% of a 10,000-token budget, on pace for 10,800.
    const early = new Date('2026-11-10T12:00:00Z');
    reports = new UsageReports(ledger, { ...DEFAULTS, monthlyTokenBudget: 10_000 }, () => early);
    for (const day of ['01', '05', '10']) await meterCall(ledger, 'tenant-a', new Date(`2026-11-${day}T08:00:00Z`));

    const { tokens, projection } = await reports.month('tenant-a');

    expect(tokens.percent).toBe(36);
    expect(projection).toEqual({
      tokens: 10_800,
      costUsd: 0.054,
      exceedsBudget: true,
      elapsedDays: 10,
      daysInMonth: 30,
    });
  });

  it("reports an earlier month as it ended: its projection is what it used, and it reset at that month's end", async () => {
    await meterCall(ledger, 'tenant-a', new Date('2026-02-03T08:00:00Z'));
    await meterCall(ledger, 'tenant-a', NOW);

    const february = await reports.month('tenant-a', '2026-02');

    expect(february).toMatchObject({
      month: '2026-02',
      resetsAt: '2026-03-01T00:00:00.000Z',
      tokens: { used: 1_200 },
      projection: { tokens: 1_200, costUsd: 0.006, exceedsBudget: false, elapsedDays: 28, daysInMonth: 28 },
    });
  });

  it('rejects a month after this one as a validation error on query.month', async () => {
    const later = reports.month('tenant-a', '2026-12');

    await expect(later).rejects.toBeInstanceOf(ValidationError);
    await expect(later).rejects.toMatchObject({ problems: [{ field: 'query.month', message: 'is after this month' }] });
  });
});

describe('report', () => {
  beforeEach(async () => {
    // The cheaper model and request type come first in time, so the rows are sorted, not in the order seen.
    await meterCall(ledger, 'tenant-a', new Date('2026-11-19T09:00:00Z'), { modelId: HAIKU, costMicros: 2_000 });
    await meterCall(ledger, 'tenant-a', new Date('2026-11-21T09:00:00Z'));
    await meterCall(ledger, 'tenant-a', new Date('2026-11-21T09:30:00Z'), {
      modelId: HAIKU,
      requestType: 'nudge',
      costMicros: 9_000,
    });
    await meterCall(ledger, 'tenant-b', new Date('2026-11-20T09:00:00Z'), { costMicros: 30_000 });
  });

  it("groups a tenant's days, one row per day of the range", async () => {
    const report = await reports.report(query({ tenantId: 'tenant-a', from: '2026-11-19', to: '2026-11-21' }));

    expect(report).toEqual({
      from: '2026-11-19',
      to: '2026-11-21',
      tenantId: 'tenant-a',
      groupBy: 'day',
      rows: [
        { key: '2026-11-19', ...amounts(1, 0.002) },
        { key: '2026-11-20', ...amounts(0, 0) },
        { key: '2026-11-21', ...amounts(2, 0.015) },
      ],
      totals: amounts(3, 0.017),
    });
  });

  it('groups all tenants by model, dearest first', async () => {
    const report = await reports.report(query({ groupBy: 'model', from: '2026-11-19', to: '2026-11-21' }));

    expect(report.tenantId).toBeUndefined();
    expect(report.rows).toEqual([
      { key: SONNET, family: 'anthropic', ...amounts(2, 0.036) },
      { key: HAIKU, family: 'anthropic', ...amounts(2, 0.011) },
    ]);
    expect(report.totals).toEqual(amounts(4, 0.047));
  });

  it("groups by model family, adding up each family's models, and names a model of no known family `unknown`", async () => {
    await meterCall(ledger, 'tenant-b', new Date('2026-11-21T11:00:00Z'), { modelId: NOVA, costMicros: 50_000 });
    await meterCall(ledger, 'tenant-b', new Date('2026-11-20T11:00:00Z'), {
      modelId: 'amazon.nova-micro-v1:0',
      costMicros: 1_000,
    });
    await meterCall(ledger, 'tenant-a', new Date('2026-11-21T12:00:00Z'), {
      modelId: 'acme.private-v1:0',
      costMicros: 500,
    });

    const byFamily = await reports.report(query({ groupBy: 'family', from: '2026-11-19', to: '2026-11-21' }));
    const byModel = await reports.report(query({ groupBy: 'model', from: '2026-11-19', to: '2026-11-21' }));

    expect(byFamily.rows).toEqual([
      { key: 'amazon', ...amounts(2, 0.051) },
      { key: 'anthropic', ...amounts(4, 0.047) },
      { key: 'unknown', ...amounts(1, 0.0005) },
    ]);
    expect(byFamily.totals).toEqual(byModel.totals);
    expect(byModel.rows.map((row) => [row.key, row.family])).toEqual([
      [NOVA, 'amazon'],
      [SONNET, 'anthropic'],
      [HAIKU, 'anthropic'],
      ['amazon.nova-micro-v1:0', 'amazon'],
      ['acme.private-v1:0', 'unknown'],
    ]);
  });

  it('reads the families from the configured catalogue', async () => {
    const sonnet = DEFAULT_MODEL_CATALOGUE[baseModelId(SONNET)]!;
    const custom = new UsageReports(ledger, DEFAULTS, () => NOW, {
      ...DEFAULT_MODEL_CATALOGUE,
      'acme.private-v1:0': { ...sonnet, family: 'mistral' },
    });
    await meterCall(ledger, 'tenant-a', new Date('2026-11-21T12:00:00Z'), {
      modelId: 'acme.private-v1:0',
      costMicros: 500,
    });

    const report = await custom.report(query({ groupBy: 'family', from: '2026-11-21', to: '2026-11-21' }));

    expect(report.rows.map((row) => row.key)).toEqual(['anthropic', 'mistral']);
  });

  it('groups by request type', async () => {
    const report = await reports.report(
      query({ tenantId: 'tenant-a', groupBy: 'requestType', from: '2026-11-19', to: '2026-11-21' }),
    );

    expect(report.rows).toEqual([
      { key: 'nudge', ...amounts(1, 0.009) },
      { key: 'insights', ...amounts(2, 0.008) },
    ]);
  });

  it('covers the 30 days up to today by default, and the 30 days up to `to` when only that is given', async () => {
    const recent = await reports.report(query());
    const earlier = await reports.report(query({ to: '2026-11-19' }));

    expect(recent).toMatchObject({ from: '2026-10-23', to: '2026-11-21' });
    expect(recent.rows).toHaveLength(30);
    expect(recent.totals.calls).toBe(4);
    expect(earlier).toMatchObject({ from: '2026-10-21', to: '2026-11-19' });
    expect(earlier.totals.calls).toBe(1);
  });

  it('covers one day when `from` is `to`, and at most 92 days', async () => {
    const oneDay = await reports.report(query({ from: '2026-11-21', to: '2026-11-21' }));
    const longest = await reports.report(query({ from: '2026-08-22', to: '2026-11-21' }));

    expect(oneDay.rows).toHaveLength(1);
    expect(longest.rows).toHaveLength(92);
  });

  it.each([
    ['`from` after `to`', { from: '2026-11-22', to: '2026-11-21' }, 'is after to'],
    ['more than 92 days', { from: '2026-08-21', to: '2026-11-21' }, 'covers 93 days'],
  ])('rejects %s as a validation error on query.from', async (_, range, message) => {
    const report = reports.report(query(range));

    await expect(report).rejects.toBeInstanceOf(ValidationError);
    await expect(report).rejects.toMatchObject({ statusCode: 400, problems: [{ field: 'query.from', message }] });
  });

  it("exports a tenant's report as a CSV file: a header row, then one row per group, dearest first", async () => {
    const file = await reports.reportFile(
      query({ tenantId: 'tenant-a', groupBy: 'model', from: '2026-11-19', to: '2026-11-21', format: 'csv' }),
    );

    expect(file).toBeInstanceOf(TextFile);
    expect(file.mediaType).toBe('text/csv; charset=utf-8');
    expect(file.fileName).toBe('usage-2026-11-19-to-2026-11-21-tenant-a-by-model.csv');
    expect(file.text).toBe(
      [
        'tenantId,model,family,calls,tokens,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,costUsd',
        `tenant-a,${HAIKU},anthropic,2,2400,2000,400,0,0,0.011`,
        `tenant-a,${SONNET},anthropic,1,1200,1000,200,0,0,0.006`,
        '',
      ].join('\r\n'),
    );
  });

  it('exports every day of an all-tenant report, naming no tenant', async () => {
    const file = await reports.reportFile(query({ from: '2026-11-20', to: '2026-11-21', format: 'csv' }));

    expect(file.fileName).toBe('usage-2026-11-20-to-2026-11-21-all-tenants-by-day.csv');
    expect(file.text.split('\r\n')).toEqual([
      'tenantId,day,calls,tokens,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,costUsd',
      '(all),2026-11-20,1,1200,1000,200,0,0,0.03',
      '(all),2026-11-21,2,2400,2000,400,0,0,0.015',
      '',
    ]);
  });
});

describe('topTenants', () => {
  it('ranks the tenants of this month by cost, at most `limit`', async () => {
    await meterCall(ledger, 'tenant-a', NOW);
    await meterCall(ledger, 'tenant-b', NOW, { costMicros: 50_000 });
    await meterCall(ledger, 'tenant-c', NOW, { costMicros: 1_000 });
    await meterCall(ledger, 'tenant-d', new Date('2026-10-10T00:00:00Z'), { costMicros: 90_000 });

    const top = await reports.topTenants(undefined, 2);

    expect(top).toEqual({
      month: '2026-11',
      tenants: [
        { tenantId: 'tenant-b', calls: 1, tokens: 1_200, costUsd: 0.05 },
        { tenantId: 'tenant-a', calls: 1, tokens: 1_200, costUsd: 0.006 },
      ],
    });
  });

  it('ranks the given month', async () => {
    await meterCall(ledger, 'tenant-d', new Date('2026-10-10T00:00:00Z'), { costMicros: 90_000 });

    const top = await reports.topTenants('2026-10', 10);

    expect(top).toEqual({
      month: '2026-10',
      tenants: [{ tenantId: 'tenant-d', calls: 1, tokens: 1_200, costUsd: 0.09 }],
    });
  });
});

describe('limits', () => {
  it('are the defaults for a tenant with no override', async () => {
    expect(await reports.limits('tenant-a')).toEqual({
      tenantId: 'tenant-a',
      limits: DEFAULTS,
      override: null,
      defaults: DEFAULTS,
    });
  });

  it('set only the limits a change names, over the defaults and earlier changes, and read back the same', async () => {
    const first = await reports.setLimits('tenant-a', { userRequestsPerMinute: 5 }, 'admin-1');
    const second = await reports.setLimits('tenant-a', { monthlyTokenBudget: 1_000 }, 'admin-2');
    const readBack = await reports.limits('tenant-a');

    expect(first).toEqual({
      tenantId: 'tenant-a',
      limits: { ...DEFAULTS, userRequestsPerMinute: 5 },
      override: { userRequestsPerMinute: 5 },
      defaults: DEFAULTS,
    });
    expect(second.limits).toEqual({ ...DEFAULTS, userRequestsPerMinute: 5, monthlyTokenBudget: 1_000 });
    expect(readBack).toEqual(second);
    // Only what was set is stored: the defaults are not pinned, so changing a default still reaches this tenant.
    expect(await ledger.limitsOverride('tenant-a')).toEqual({ userRequestsPerMinute: 5, monthlyTokenBudget: 1_000 });
    expect((await reports.limits('tenant-b')).override).toBeNull();
  });

  it('keep every limit of concurrent changes to different limits', async () => {
    await Promise.all([
      reports.setLimits('tenant-a', { monthlyTokenBudget: 1_000 }, 'admin-1'),
      reports.setLimits('tenant-a', { monthlyCostBudgetUsd: 2 }, 'admin-2'),
      reports.setLimits('tenant-a', { userRequestsPerMinute: 5 }, 'admin-3'),
    ]);

    expect((await reports.limits('tenant-a')).override).toEqual({
      monthlyTokenBudget: 1_000,
      monthlyCostBudgetUsd: 2,
      userRequestsPerMinute: 5,
    });
  });

  it('clear a limit set to null (back to its default) and keep the others', async () => {
    await reports.setLimits('tenant-a', { monthlyTokenBudget: 1_000, userRequestsPerMinute: 5 }, 'admin-1');

    const cleared = await reports.setLimits('tenant-a', { monthlyTokenBudget: null }, 'admin-2');
    const allCleared = await reports.setLimits('tenant-a', { userRequestsPerMinute: null }, 'admin-2');

    expect(cleared.override).toEqual({ userRequestsPerMinute: 5 });
    expect(cleared.limits).toEqual({ ...DEFAULTS, userRequestsPerMinute: 5 });
    expect(allCleared).toMatchObject({ limits: DEFAULTS, override: null });
  });

  it('are the defaults again once the override is removed', async () => {
    await reports.setLimits('tenant-a', { monthlyTokenBudget: 1_000, userRequestsPerMinute: 5 }, 'admin-1');

    await reports.clearLimits('tenant-a');

    expect(await reports.limits('tenant-a')).toMatchObject({ limits: DEFAULTS, override: null });
    expect(await ledger.limitsOverride('tenant-a')).toBeUndefined();
  });
});
