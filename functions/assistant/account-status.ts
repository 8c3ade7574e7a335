import { sourceEndpoints } from '../shared/business-api/http-business-data';
import { sourceStatus, type SourceHealth } from '../shared/business-api/health';
import { sourceNames } from '../shared/business-api/model';
import type { LimitsView, UsageReports } from '../usage/service';
import type { AccountStatus, AccountStatusBody } from './model';

/** A tenant's month of usage against its limits, as the usage report answers it. */
export type MonthUsageView = Awaited<ReturnType<UsageReports['month']>>;

type Alert = AccountStatus['alerts'][number];
type Integration = NonNullable<AccountStatus['integrations']>[number];

/** What the account status is made of: the reads, and the share of a budget that warns. */
export interface AccountFacts {
  readonly tenantId: string;
  readonly usage: MonthUsageView;
  readonly limits: LimitsView;
  readonly health: SourceHealth;
  /** USAGE_WARNING_THRESHOLD: the share of a budget at which the gateway warns, so the status warns at it too. */
  readonly warningThreshold: number;
  readonly now: Date;
}

/** Each .NET source with where it is served and how it last answered for the tenant. */
export const integrationsOf = (health: SourceHealth): Integration[] =>
  sourceNames.map((source) => {
    const record = health[source];
    return {
      source,
      service: sourceEndpoints[source].service,
      endpoint: sourceEndpoints[source].path,
      status: sourceStatus(record),
      ...record,
    };
  });

const formatUsd = (usd: number): string => `$${usd.toFixed(2)}`;

/** The alerts of one budget: spent (critical), or past the warning share (warning). */
const budgetAlerts = (
  kind: 'token' | 'cost',
  used: number,
  limit: number,
  threshold: number,
  describe: (value: number) => string,
  resetsAt: string,
): Alert[] => {
  const what = `${describe(used)} of ${describe(limit)} this month`;
  if (used >= limit) {
    return [
      {
        code: `${kind}_budget_exhausted`,
        severity: 'critical',
        message: `The monthly ${kind} budget is spent (${what}): model work uses the offline rules until ${resetsAt}.`,
      },
    ];
  }
  if (used >= limit * threshold) {
    return [
      {
        code: `${kind}_budget_warning`,
        severity: 'warning',
        message: `${Math.round((used / limit) * 100)}% of the monthly ${kind} budget is used (${what}).`,
      },
    ];
  }
  return [];
};

/** The budget warnings and failing sources of an account, most severe first. */
export const accountAlerts = (
  usage: MonthUsageView,
  integrations: readonly Integration[],
  threshold: number,
): Alert[] => {
  const tokens = (value: number): string => `${value.toLocaleString('en-US')} tokens`;
  const spent = [
    ...budgetAlerts('token', usage.tokens.used, usage.tokens.limit, threshold, tokens, usage.resetsAt),
    ...budgetAlerts('cost', usage.cost.usedUsd, usage.cost.limitUsd, threshold, formatUsd, usage.resetsAt),
  ];
  const projection: Alert[] =
    usage.projection.exceedsBudget && !spent.some((alert) => alert.severity === 'critical')
      ? [
          {
            code: 'budget_projection',
            severity: 'info',
            message:
              `At this month's pace the month ends at ${tokens(usage.projection.tokens)} and ` +
              `${formatUsd(usage.projection.costUsd)}, past a monthly budget.`,
          },
        ]
      : [];
  const failing: Alert[] = integrations.flatMap((integration) =>
    integration.status === 'failing'
      ? [
          {
            code: 'source_failing',
            severity: 'warning',
            source: integration.source,
            message:
              `The ${integration.source} source (${integration.service} API ${integration.endpoint}) failed on its ` +
              `last read at ${integration.lastFailureAt} (${integration.lastError?.reason ?? 'error'}` +
              `${integration.lastError?.status === undefined ? '' : ` ${integration.lastError.status}`}); ` +
              'insights and answers leave its data out until it answers again.',
          },
        ]
      : [],
  );
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return [...spent, ...projection, ...failing].sort((a, b) => rank[a.severity] - rank[b.severity]);
};

/** The account status of a tenant from its facts, with the sections the body asks for. */
export const accountStatusOf = (facts: AccountFacts, body: AccountStatusBody): AccountStatus => {
  const { usage, limits } = facts;
  const integrations = integrationsOf(facts.health);
  const alerts = accountAlerts(usage, integrations, facts.warningThreshold);
  const customLimits = Object.keys(limits.override ?? {}) as Array<keyof LimitsView['limits']>;
  const status = alerts.some((alert) => alert.severity === 'critical')
    ? 'limited'
    : integrations.some((integration) => integration.status === 'failing')
      ? 'degraded'
      : 'active';
  return {
    account: { tenantId: facts.tenantId, status },
    subscription: {
      plan: customLimits.length > 0 ? 'custom' : 'standard',
      limits: limits.limits,
      customLimits,
      resetsAt: usage.resetsAt,
    },
    ...(body.includeUsage ? { usage } : {}),
    ...(body.includeBilling
      ? {
          billing: {
            currency: 'USD' as const,
            month: usage.month,
            monthToDateUsd: usage.cost.usedUsd,
            budgetUsd: usage.cost.limitUsd,
            projectedUsd: usage.projection.costUsd,
          },
        }
      : {}),
    ...(body.includeIntegrations ? { integrations } : {}),
    alerts,
    checkedAt: facts.now.toISOString(),
  };
};
