import type { SourceHealthStore } from '../shared/business-api/health';
import { epochSeconds } from '../shared/dynamo/tables';
import type { InsightsService } from '../insights/service';
import { rankedTrendSignals } from '../insights/signals';
import type { Invocation } from '../shared/invocation';
import type { KnowledgeBase, KnowledgeSearchResponse } from '../shared/knowledge/port';
import type { MetricHistoryStore } from '../shared/metrics/store';
import { dayOf, storedTrends } from '../shared/metrics/tenant-trends';
import type { UsageReports } from '../usage/service';
import { accountStatusOf } from './account-status';
import { analyticsOverviewOf, rangesOf } from './analytics-overview';
import type {
  AccountStatus,
  AccountStatusBody,
  AnalyticsOverview,
  AnalyticsOverviewBody,
  KnowledgeSearchBody,
} from './model';

/** What the assistant's use cases depend on. */
export interface AssistantDependencies {
  readonly knowledge: KnowledgeBase;
  /** The tenant's month of usage against its limits, and its limits (the usage capability's reports). */
  readonly usage: Pick<UsageReports, 'month' | 'limits'>;
  /** How the .NET sources last answered for each tenant. */
  readonly sourceHealth: Pick<SourceHealthStore, 'read'>;
  /** The tenants' daily metric history. */
  readonly history: MetricHistoryStore;
  /** The stored insight sets, read as they are (never generated here). */
  readonly insights: Pick<InsightsService, 'cached'>;
  readonly clock: () => Date;
  /** The deployment's calendar (INSIGHTS_TIME_ZONE): what "today" is for the ranges. */
  readonly timeZone: string;
  /** USAGE_WARNING_THRESHOLD: the share of a budget the account status warns at. */
  readonly warningThreshold: number;
}

/**
 * The assistant's use cases. The knowledge base is global (the same articles for every tenant), but every search is
 * made by an authenticated caller and logged with their tenant and the correlation id. The account status and the
 * analytics overview read the caller's tenant only, and never call a model.
 */
export class AssistantService {
  constructor(private readonly deps: AssistantDependencies) {}

  /** Searches the help articles for the caller's question. */
  async searchKnowledgeBase(invocation: Invocation, body: KnowledgeSearchBody): Promise<KnowledgeSearchResponse> {
    const response = await this.deps.knowledge.search(
      { query: body.query, context: body.context, filters: body.filters, limit: body.limit },
      invocation,
    );
    invocation.log.info('Knowledge base search', {
      queryLength: body.query.length,
      filters: body.filters ? Object.keys(body.filters) : [],
      totalCount: response.totalCount,
      returned: response.results.map((result) => result.id),
      searchTime: response.searchTime,
    });
    return response;
  }

  /**
   * The caller's tenant's account: its limits (the subscription), this month's usage and metered cost against them,
   * each .NET source's health for this tenant, and the alerts (budgets past the warning share or spent, a month on
   * course past its budget, failing sources).
   */
  async accountStatus(invocation: Invocation, body: AccountStatusBody): Promise<AccountStatus> {
    const { tenantId } = invocation.caller;
    const now = this.deps.clock();
    const [usage, limits, health] = await Promise.all([
      this.deps.usage.month(tenantId),
      this.deps.usage.limits(tenantId),
      this.deps.sourceHealth.read(tenantId, now),
    ]);
    const status = accountStatusOf(
      { tenantId, usage, limits, health, warningThreshold: this.deps.warningThreshold, now },
      body,
    );
    invocation.log.info('Account status', {
      status: status.account.status,
      alerts: status.alerts.map((alert) => alert.code),
    });
    return status;
  }

  /**
   * The caller's tenant's metrics over the range from its stored history (each with its latest, average, lowest and
   * highest value), the range against the one before it, the top trend signals of the history, and the current
   * insights as stored (none are generated here: without a set, the overview says so).
   */
  async analyticsOverview(invocation: Invocation, body: AnalyticsOverviewBody): Promise<AnalyticsOverview> {
    const { tenantId } = invocation.caller;
    const { history, timeZone } = this.deps;
    const now = this.deps.clock();
    const today = dayOf(now, timeZone);
    const { current, previous } = rangesOf(body.timeRange, today);
    const [days, report, insights] = await Promise.all([
      history.days(tenantId, body.includeComparisons ? previous.start : current.start, today, epochSeconds(now)),
      storedTrends(history, tenantId, now, timeZone),
      body.includeInsights ? this.deps.insights.cached(invocation) : Promise.resolve(undefined),
    ]);
    return analyticsOverviewOf(
      {
        today,
        days,
        historyDays: report.historyDays,
        signals: rankedTrendSignals(tenantId, report, now),
        ...(body.includeInsights ? { insights: insights ?? null } : {}),
      },
      body,
    );
  }
}
