import type { LimitsChange, TenantLimits, UsageLedger, UsageTotals } from '../shared/usage/ledger';
import { dayOf, monthOf, monthResetAt } from '../shared/usage/ledger';
import { microsToUsd } from '../shared/usage/pricing';
import type { UsageReportQuery } from './model';
import { MAX_REPORT_DAYS } from './model';
import { ValidationError } from '../shared/errors';

/** Calls, tokens and cost of one row of a report. */
export interface Amounts {
  readonly calls: number;
  readonly tokens: number;
  readonly costUsd: number;
}

/** A tenant's limits: the effective ones, its override (null without one) and the defaults. */
export interface LimitsView {
  readonly tenantId: string;
  readonly limits: TenantLimits;
  readonly override: Partial<TenantLimits> | null;
  readonly defaults: TenantLimits;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
const percentOf = (used: number, limit: number): number => (limit > 0 ? round((used / limit) * 100, 1) : 100);
const amountsOf = (entry: { calls: number; tokens: number; costMicros: number }): Amounts => ({
  calls: entry.calls,
  tokens: entry.tokens,
  costUsd: round(microsToUsd(entry.costMicros), 6),
});
const sum = (rows: readonly Amounts[]): Amounts => ({
  calls: rows.reduce((total, row) => total + row.calls, 0),
  tokens: rows.reduce((total, row) => total + row.tokens, 0),
  costUsd: round(
    rows.reduce((total, row) => total + row.costUsd, 0),
    6,
  ),
});

/** Merges the per-day breakdowns (by model or by request type) into one row per key. */
const mergeBreakdowns = (
  days: readonly UsageTotals[],
  pick: (totals: UsageTotals) => UsageTotals['byModel'],
): Array<{ key: string } & Amounts> => {
  const merged = new Map<string, { calls: number; tokens: number; costMicros: number }>();
  for (const totals of days) {
    for (const [key, entry] of Object.entries(pick(totals))) {
      const current = merged.get(key) ?? { calls: 0, tokens: 0, costMicros: 0 };
      merged.set(key, {
        calls: current.calls + entry.calls,
        tokens: current.tokens + entry.tokens,
        costMicros: current.costMicros + entry.costMicros,
      });
    }
  }
  return [...merged.entries()]
    .map(([key, entry]) => ({ key, ...amountsOf(entry) }))
    .sort((a, b) => b.costUsd - a.costUsd);
};

/** Usage reports and tenant limits, read from the ledger's rollups (never from events). */
export class UsageReports {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly defaults: TenantLimits,
    private readonly clock: () => Date,
  ) {}

  /** A tenant's limits: the override merged over the defaults. */
  async limits(tenantId: string): Promise<LimitsView> {
    return this.limitsView(tenantId, await this.ledger.limitsOverride(tenantId));
  }

  /**
   * Sets the limits the change names (a `null` clears one: back to its default), each on its own, so concurrent
   * changes of other limits are kept; the others stay as they are.
   */
  async setLimits(tenantId: string, change: LimitsChange, by: string): Promise<LimitsView> {
    return this.limitsView(tenantId, await this.ledger.updateLimits(tenantId, change, by, this.clock()));
  }

  /** Removes a tenant's whole override: its defaults apply again. */
  async clearLimits(tenantId: string): Promise<void> {
    await this.ledger.clearLimits(tenantId);
  }

  /** This month's tokens and cost of a tenant against its limits, by request type. */
  async month(tenantId: string): Promise<{
    month: string;
    resetsAt: string;
    tokens: { used: number; limit: number; percent: number };
    cost: { usedUsd: number; limitUsd: number; percent: number };
    byRequestType: Record<string, Amounts>;
  }> {
    const now = this.clock();
    const [usage, { limits }] = await Promise.all([this.ledger.month(tenantId, monthOf(now)), this.limits(tenantId)]);
    const usedUsd = round(microsToUsd(usage.costMicros), 6);
    return {
      month: usage.month,
      resetsAt: monthResetAt(now).toISOString(),
      tokens: {
        used: usage.totalTokens,
        limit: limits.monthlyTokenBudget,
        percent: percentOf(usage.totalTokens, limits.monthlyTokenBudget),
      },
      cost: {
        usedUsd,
        limitUsd: limits.monthlyCostBudgetUsd,
        percent: percentOf(usedUsd, limits.monthlyCostBudgetUsd),
      },
      byRequestType: Object.fromEntries(
        Object.entries(usage.byRequestType).map(([type, amounts]) => [type, amountsOf(amounts)]),
      ),
    };
  }

  /** Usage over days (default: the last 30), for one tenant or all, grouped by day, model or request type. */
  async report(query: UsageReportQuery): Promise<{
    from: string;
    to: string;
    tenantId?: string;
    groupBy: UsageReportQuery['groupBy'];
    rows: Array<{ key: string } & Amounts>;
    totals: Amounts;
  }> {
    const now = this.clock();
    const to = query.to ?? dayOf(now);
    const from = query.from ?? dayOf(new Date(new Date(`${to}T00:00:00Z`).getTime() - 29 * 86_400_000));
    const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (span < 1)
      throw new ValidationError('`from` must not be after `to`', [{ field: 'query.from', message: 'is after to' }]);
    if (span > MAX_REPORT_DAYS) {
      throw new ValidationError(`At most ${MAX_REPORT_DAYS} days per report`, [
        { field: 'query.from', message: `covers ${span} days` },
      ]);
    }
    const days = await this.ledger.days(query.tenantId, from, to);
    const rows =
      query.groupBy === 'day'
        ? days.map((entry) => ({
            key: entry.day,
            ...amountsOf({ calls: entry.calls, tokens: entry.totalTokens, costMicros: entry.costMicros }),
          }))
        : mergeBreakdowns(days, (totals) => (query.groupBy === 'model' ? totals.byModel : totals.byRequestType));
    return {
      from,
      to,
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      groupBy: query.groupBy,
      rows,
      totals: sum(rows),
    };
  }

  /** The tenants with the highest cost in a month (default: this month). */
  async topTenants(
    month: string | undefined,
    limit: number,
  ): Promise<{ month: string; tenants: Array<{ tenantId: string } & Amounts> }> {
    const chosen = month ?? monthOf(this.clock());
    const totals = await this.ledger.topTenants(chosen, limit);
    return {
      month: chosen,
      tenants: totals.map((entry) => ({
        tenantId: entry.tenantId,
        ...amountsOf({ calls: entry.calls, tokens: entry.totalTokens, costMicros: entry.costMicros }),
      })),
    };
  }

  private limitsView(tenantId: string, override: Partial<TenantLimits> | undefined): LimitsView {
    return { tenantId, limits: { ...this.defaults, ...override }, override: override ?? null, defaults: this.defaults };
  }
}
