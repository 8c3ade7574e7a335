import type {
  DayUsage,
  LimitsChange,
  TenantLimits,
  UsageBreakdown,
  UsageLedger,
  UsageTotals,
} from '../shared/usage/ledger';
import { dayOf, monthOf, monthPace, monthResetAt, projectAtPace } from '../shared/usage/ledger';
import { costBudgetMicros } from '../shared/usage/accounting';
import { DEFAULT_MODEL_CATALOGUE, familyOf, type ModelCatalogue } from '../shared/llm/models';
import { microsToUsd } from '../shared/usage/pricing';
import { csvFile, type TextFile } from '../shared/text-file';
import type { UsageReportQuery } from './model';
import { MAX_REPORT_DAYS } from './model';
import { ValidationError } from '../shared/errors';

/** Calls, tokens and cost of one row of a report. */
export interface Amounts {
  readonly calls: number;
  readonly tokens: number;
  readonly costUsd: number;
}

/** Amounts with the tokens by kind: input, output, cache read and cache write. */
export interface DetailedAmounts extends Amounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** A tenant's limits: the effective ones, its override (null without one) and the defaults. */
export interface LimitsView {
  readonly tenantId: string;
  readonly limits: TenantLimits;
  readonly override: Partial<TenantLimits> | null;
  readonly defaults: TenantLimits;
}

/** One row of the admin usage report: its key (a day, model, family or request type) and amounts. */
export type UsageReportRow = {
  readonly key: string;
  /** Grouped by model: the model's family, from the catalogue (UNKNOWN_FAMILY for a model it does not know). */
  readonly family?: string;
} & DetailedAmounts;

/** The admin usage report. */
export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly tenantId?: string;
  readonly groupBy: UsageReportQuery['groupBy'];
  readonly rows: UsageReportRow[];
  readonly totals: DetailedAmounts;
}

/** The family a report gives a model that is not in the catalogue and whose id names no known vendor. */
export const UNKNOWN_FAMILY = 'unknown';

/** The counts of a row, in the order the CSV report lists them (the cost comes last). */
const COUNTS = [
  'calls',
  'tokens',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
] as const satisfies ReadonlyArray<keyof DetailedAmounts & keyof UsageBreakdown>;
/** What the CSV report's tenant column says for a report of all tenants (no tenant id has parentheses). */
const ALL_TENANTS = '(all)';

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
const percentOf = (used: number, limit: number): number => (limit > 0 ? round((used / limit) * 100, 1) : 100);
const usdOf = (micros: number): number => round(microsToUsd(micros), 6);

/** Each of `names` added up over `rows`. */
const addUp = <K extends string>(
  names: readonly K[],
  rows: ReadonlyArray<Readonly<Record<K, number>>>,
): Record<K, number> =>
  Object.fromEntries(names.map((name) => [name, rows.reduce((total, row) => total + row[name], 0)])) as Record<
    K,
    number
  >;

/** One breakdown entry, or several added up, as the amounts of a row. */
const amountsOf = (...entries: UsageBreakdown[]): DetailedAmounts => ({
  ...addUp(COUNTS, entries),
  costUsd: usdOf(addUp(['costMicros'], entries).costMicros),
});
/** A period's totals as one breakdown entry. */
const breakdownOf = (totals: UsageTotals): UsageBreakdown => ({ ...totals, tokens: totals.totalTokens });
/** The rows' amounts added up. */
const sum = (rows: readonly DetailedAmounts[]): DetailedAmounts => ({
  ...addUp(COUNTS, rows),
  costUsd: round(addUp(['costUsd'], rows).costUsd, 6),
});

/**
 * Merges the per-day breakdowns (by model or by request type) into one row per key, dearest first; `keyOf` maps a
 * breakdown's key to its row's (a model to its family), so several keys can add up in one row.
 */
const mergeBreakdowns = (
  days: readonly UsageTotals[],
  pick: (totals: UsageTotals) => UsageTotals['byModel'],
  keyOf: (key: string) => string = (key) => key,
): Array<{ key: string } & DetailedAmounts> => {
  const byKey = new Map<string, UsageBreakdown[]>();
  for (const totals of days) {
    for (const [breakdownKey, entry] of Object.entries(pick(totals))) {
      const key = keyOf(breakdownKey);
      byKey.set(key, [...(byKey.get(key) ?? []), entry]);
    }
  }
  return [...byKey.entries()]
    .map(([key, entries]) => ({ key, ...amountsOf(...entries) }))
    .sort((a, b) => b.costUsd - a.costUsd);
};

/**
 * Usage reports and tenant limits, read from the ledger's rollups (never from events). A model's family comes from the
 * catalogue, at report time: the rollups count by model, and a model's family does not change.
 */
export class UsageReports {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly defaults: TenantLimits,
    private readonly clock: () => Date,
    private readonly catalogue: ModelCatalogue = DEFAULT_MODEL_CATALOGUE,
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

  /**
   * A month's tokens (by kind) and cost of a tenant against its limits, by request type, with where the month ends at
   * its current daily pace (projectAtPace); this month by default, or an earlier one (against today's limits).
   */
  async month(
    tenantId: string,
    month?: string,
  ): Promise<{
    month: string;
    resetsAt: string;
    tokens: { used: number; limit: number; percent: number } & Omit<DetailedAmounts, keyof Amounts>;
    cost: { usedUsd: number; limitUsd: number; percent: number };
    byRequestType: Record<string, DetailedAmounts>;
    projection: { tokens: number; costUsd: number; exceedsBudget: boolean; elapsedDays: number; daysInMonth: number };
  }> {
    const now = this.clock();
    const chosen = month ?? monthOf(now);
    if (chosen > monthOf(now)) {
      throw new ValidationError('`month` must not be after this month', [
        { field: 'query.month', message: 'is after this month' },
      ]);
    }
    const [usage, { limits }] = await Promise.all([this.ledger.month(tenantId, chosen), this.limits(tenantId)]);
    const usedUsd = usdOf(usage.costMicros);
    const projected = {
      tokens: projectAtPace(usage.totalTokens, chosen, now),
      costMicros: projectAtPace(usage.costMicros, chosen, now),
    };
    return {
      month: chosen,
      resetsAt: monthResetAt(new Date(`${chosen}-01T00:00:00Z`)).toISOString(),
      tokens: {
        used: usage.totalTokens,
        limit: limits.monthlyTokenBudget,
        percent: percentOf(usage.totalTokens, limits.monthlyTokenBudget),
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        cacheReadTokens: usage.cacheReadTokens,
        cacheWriteTokens: usage.cacheWriteTokens,
      },
      cost: {
        usedUsd,
        limitUsd: limits.monthlyCostBudgetUsd,
        percent: percentOf(usedUsd, limits.monthlyCostBudgetUsd),
      },
      byRequestType: Object.fromEntries(
        Object.entries(usage.byRequestType).map(([type, entry]) => [type, amountsOf(entry)]),
      ),
      projection: {
        tokens: projected.tokens,
        costUsd: usdOf(projected.costMicros),
        exceedsBudget: projected.tokens > limits.monthlyTokenBudget || projected.costMicros > costBudgetMicros(limits),
        ...monthPace(chosen, now),
      },
    };
  }

  /**
   * Usage over days (default: the last 30), for one tenant or all, grouped by day, model (each row with its family),
   * model family or request type.
   */
  async report(query: UsageReportQuery): Promise<UsageReport> {
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
    return {
      from,
      to,
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      groupBy: query.groupBy,
      ...this.rowsOf(days, query.groupBy),
    };
  }

  /** The report's rows for a grouping, and their totals. */
  private rowsOf(
    days: readonly DayUsage[],
    groupBy: UsageReportQuery['groupBy'],
  ): Pick<UsageReport, 'rows' | 'totals'> {
    const familyKey = (modelId: string): string => familyOf(modelId, this.catalogue) ?? UNKNOWN_FAMILY;
    let rows: UsageReportRow[];
    if (groupBy === 'day') rows = days.map((entry) => ({ key: entry.day, ...amountsOf(breakdownOf(entry)) }));
    else if (groupBy === 'requestType') rows = mergeBreakdowns(days, (totals) => totals.byRequestType);
    else if (groupBy === 'family') rows = mergeBreakdowns(days, (totals) => totals.byModel, familyKey);
    else
      rows = mergeBreakdowns(days, (totals) => totals.byModel).map((row) => ({ ...row, family: familyKey(row.key) }));
    return { rows, totals: sum(rows) };
  }

  /**
   * The same report as a CSV file for a spreadsheet: a header row (`tenantId`, the group — day, model, family or
   * requestType — and, by model, the `family`, then the counts and `costUsd`), and one row per group.
   */
  async reportFile(query: UsageReportQuery): Promise<TextFile> {
    const report = await this.report(query);
    const tenant = report.tenantId ?? ALL_TENANTS;
    const byModel = report.groupBy === 'model';
    return csvFile(
      `usage-${report.from}-to-${report.to}-${report.tenantId ?? 'all-tenants'}-by-${report.groupBy}.csv`,
      ['tenantId', report.groupBy, ...(byModel ? ['family'] : []), ...COUNTS, 'costUsd'],
      report.rows.map((row) => [
        tenant,
        row.key,
        ...(byModel ? [row.family ?? UNKNOWN_FAMILY] : []),
        ...COUNTS.map((name) => row[name]),
        row.costUsd,
      ]),
    );
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
        calls: entry.calls,
        tokens: entry.totalTokens,
        costUsd: usdOf(entry.costMicros),
      })),
    };
  }

  private limitsView(tenantId: string, override: Partial<TenantLimits> | undefined): LimitsView {
    return { tenantId, limits: { ...this.defaults, ...override }, override: override ?? null, defaults: this.defaults };
  }
}
