import { accountStatusBodySchema } from '../../../functions/assistant/model';
import { AssistantService } from '../../../functions/assistant/service';
import { ASSISTANT_NOW, assistantTwins, type AssistantTwins } from '../../support/assistant-fakes';
import { testInvocation } from '../../support/invocation';
import { meterCall } from '../../support/usage-fakes';

const NOW = ASSISTANT_NOW;
const EARLIER = new Date('2026-11-20T09:00:00.000Z');
const all = accountStatusBodySchema.parse({});

let twins: AssistantTwins;
let service: AssistantService;

beforeEach(() => {
  twins = assistantTwins();
  service = new AssistantService(twins.deps);
});

const statusOf = async (tenantId = 'tenant-a', body = all) =>
  service.accountStatus(testInvocation({ tenantId }).invocation, body);

/** One metered call (1,200 tokens, $0.006) this month, under a token budget of `tokens` and a cost budget of `usd`. */
const spend = async (tenantId: string, limits: { monthlyTokenBudget?: number; monthlyCostBudgetUsd?: number }) => {
  await meterCall(twins.ledger, tenantId, NOW);
  await twins.ledger.updateLimits(tenantId, limits, 'platform-admin-1', NOW);
};

describe('AssistantService.accountStatus: the subscription', () => {
  it('is the standard plan (the default limits) for a tenant without an override, with every section', async () => {
    const status = await statusOf();

    expect(status).toMatchObject({
      account: { tenantId: 'tenant-a', status: 'active' },
      subscription: {
        plan: 'standard',
        limits: { monthlyTokenBudget: 100_000, monthlyCostBudgetUsd: 10, userRequestsPerMinute: 30 },
        customLimits: [],
        resetsAt: '2026-12-01T00:00:00.000Z',
      },
      usage: { month: '2026-11', tokens: { used: 0, limit: 100_000 } },
      billing: { currency: 'USD', month: '2026-11', monthToDateUsd: 0, budgetUsd: 10, projectedUsd: 0 },
      alerts: [],
      checkedAt: NOW.toISOString(),
    });
    expect(status.integrations?.map((integration) => integration.status)).toEqual(Array(6).fill('unknown'));
  });

  it('is a custom plan naming the limits a platform admin set; the others stay the defaults', async () => {
    await twins.ledger.updateLimits('tenant-a', { userRequestsPerMinute: 5 }, 'platform-admin-1', NOW);

    const { subscription } = await statusOf();

    expect(subscription).toMatchObject({
      plan: 'custom',
      customLimits: ['userRequestsPerMinute'],
      limits: { monthlyTokenBudget: 100_000, monthlyCostBudgetUsd: 10, userRequestsPerMinute: 5 },
    });
  });

  it('leaves out the sections the body turns off', async () => {
    const status = await statusOf(
      'tenant-a',
      accountStatusBodySchema.parse({ includeUsage: false, includeBilling: false, includeIntegrations: false }),
    );

    expect(Object.keys(status)).toEqual(['account', 'subscription', 'alerts', 'checkedAt']);
  });
});

describe('AssistantService.accountStatus: budget alerts', () => {
  it('warns nothing below the warning share (50% of the token budget, on pace to stay within it)', async () => {
    await meterCall(twins.ledger, 'tenant-a', EARLIER);
    await twins.ledger.updateLimits('tenant-a', { monthlyTokenBudget: 2_400 }, 'platform-admin-1', NOW);

    const status = await statusOf();

    expect(status.alerts).toEqual([]);
  });

  it('warns at the warning share of the token budget (80%)', async () => {
    await spend('tenant-a', { monthlyTokenBudget: 1_500 });

    const { alerts, account } = await statusOf();

    expect(account.status).toBe('active');
    expect(alerts).toContainEqual({
      code: 'token_budget_warning',
      severity: 'warning',
      message: '80% of the monthly token budget is used (1,200 tokens of 1,500 tokens this month).',
    });
  });

  it('is limited, with a critical alert, once a budget is spent (100%), and says when it resets', async () => {
    await spend('tenant-a', { monthlyCostBudgetUsd: 0.006 });

    const { alerts, account } = await statusOf();

    expect(account.status).toBe('limited');
    expect(alerts[0]).toEqual({
      code: 'cost_budget_exhausted',
      severity: 'critical',
      message:
        'The monthly cost budget is spent ($0.01 of $0.01 this month): model work uses the offline rules until ' +
        '2026-12-01T00:00:00.000Z.',
    });
    expect(alerts.map((alert) => alert.code)).not.toContain('budget_projection');
  });

  it('warns on the cost budget and the token budget each, most severe first', async () => {
    await spend('tenant-a', { monthlyTokenBudget: 1_200, monthlyCostBudgetUsd: 0.0075 });

    const { alerts } = await statusOf();

    expect(alerts.map((alert) => [alert.code, alert.severity])).toEqual([
      ['token_budget_exhausted', 'critical'],
      ['cost_budget_warning', 'warning'],
    ]);
  });

  it("tells a month on course past its budget at this month's pace, below the warning share", async () => {
    // 1,200 tokens by the 21st of 30 days: 1,714 by the month's end, past 1,600 (75% used so far).
    await spend('tenant-a', { monthlyTokenBudget: 1_600 });

    const { alerts } = await statusOf();

    expect(alerts).toEqual([
      {
        code: 'budget_projection',
        severity: 'info',
        message: "At this month's pace the month ends at 1,714 tokens and $0.01, past a monthly budget.",
      },
    ]);
  });

  it("counts only the caller's tenant's usage", async () => {
    await spend('tenant-b', { monthlyTokenBudget: 1_200 });

    const [a, b] = [await statusOf('tenant-a'), await statusOf('tenant-b')];

    expect(a.usage?.tokens.used).toBe(0);
    expect(a.account.status).toBe('active');
    expect(b.usage?.tokens.used).toBe(1_200);
    expect(b.account.status).toBe('limited');
  });
});

describe('AssistantService.accountStatus: integrations', () => {
  it("shows each source's health as recorded for this tenant, and alerts on a failing source", async () => {
    await twins.health.record(
      'tenant-a',
      [
        { source: 'goals', ok: true },
        { source: 'issues', ok: true },
      ],
      EARLIER,
    );
    await twins.health.record(
      'tenant-a',
      [{ source: 'goals', ok: false, gap: { source: 'goals', reason: 'http_error', status: 503 } }],
      NOW,
    );
    await twins.health.record('tenant-b', [{ source: 'goals', ok: true }], NOW);

    const [a, b] = [await statusOf('tenant-a'), await statusOf('tenant-b')];

    expect(a.account.status).toBe('degraded');
    expect(a.integrations?.find((integration) => integration.source === 'goals')).toEqual({
      source: 'goals',
      service: 'traction',
      endpoint: '/goals',
      status: 'failing',
      lastSuccessAt: EARLIER.toISOString(),
      lastFailureAt: NOW.toISOString(),
      lastError: { reason: 'http_error', status: 503 },
    });
    expect(a.integrations?.find((integration) => integration.source === 'issues')?.status).toBe('healthy');
    expect(a.integrations?.find((integration) => integration.source === 'foundation')).toEqual({
      source: 'foundation',
      service: 'account',
      endpoint: '/business/foundation',
      status: 'unknown',
    });
    expect(a.alerts).toEqual([
      {
        code: 'source_failing',
        severity: 'warning',
        source: 'goals',
        message:
          'The goals source (traction API /goals) failed on its last read at 2026-11-21T10:00:00.000Z (http_error ' +
          '503); insights and answers leave its data out until it answers again.',
      },
    ]);
    expect(b.account.status).toBe('active');
    expect(b.alerts).toEqual([]);
  });

  it('names a failure without an HTTP status by its reason alone, and alerts even when integrations are left out', async () => {
    await twins.health.record(
      'tenant-a',
      [{ source: 'foundation', ok: false, gap: { source: 'foundation', reason: 'timeout' } }],
      NOW,
    );

    const status = await statusOf('tenant-a', accountStatusBodySchema.parse({ includeIntegrations: false }));

    expect(status.integrations).toBeUndefined();
    expect(status.alerts[0]?.message).toContain('failed on its last read at 2026-11-21T10:00:00.000Z (timeout);');
  });

  it('names a failure recorded without its reason as an error', async () => {
    const sourceHealth = { read: async () => ({ actions: { lastFailureAt: NOW.toISOString() } }) };
    service = new AssistantService({ ...twins.deps, sourceHealth });

    const { alerts } = await statusOf();

    expect(alerts[0]?.message).toContain('failed on its last read at 2026-11-21T10:00:00.000Z (error);');
  });
});
