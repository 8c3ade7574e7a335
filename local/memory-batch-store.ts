import { runSummarySchema, type RegistryEntry, type RunSummary, type TenantOutcome } from '../functions/batch/model';
import type { BatchLedger, TenantRegistry } from '../functions/batch/ports';

/** One tenant's claim on a day, as the ledger keeps it. */
export interface TenantClaim {
  readonly tenantId: string;
  readonly status: 'in_progress' | 'done';
  /** Epoch ms until which an in-progress claim holds. */
  readonly holdUntil?: number;
  readonly outcome?: TenantOutcome;
  readonly finishedAt?: string;
}

const ZERO_COUNTERS = {
  enqueued: 0,
  generated: 0,
  from_cache: 0,
  fallback: 0,
  skipped: 0,
  duplicate: 0,
  retry_later: 0,
  failed: 0,
  tokens: 0,
  costMicros: 0,
};

/**
 * `BatchLedger` in memory with the semantics of `DynamoBatchLedger` (for the simulation): a run starts once, counters
 * are atomic adds, a claim is taken when there is none or an in-progress one whose hold has passed, a release only
 * drops an in-progress claim. `claims(day)` exposes the day's claims for the simulation's checks.
 */
export class MemoryBatchLedger implements BatchLedger {
  private readonly runs = new Map<string, Record<string, unknown>>();
  private readonly days = new Map<string, Map<string, TenantClaim>>();

  async startRun(runId: string, day: string, now: Date): Promise<void> {
    if (this.runs.has(runId)) throw new Error(`Run ${runId} already exists`);
    this.runs.set(runId, { runId, day, startedAt: now.toISOString() });
  }

  async addEnqueued(runId: string, count: number): Promise<void> {
    this.add(runId, { enqueued: count });
  }

  async claimTenant(
    day: string,
    tenantId: string,
    now: Date,
    holdSeconds: number,
  ): Promise<'claimed' | 'done' | 'busy'> {
    const claims = this.claimsOf(day);
    const claim = claims.get(tenantId);
    if (claim === undefined || (claim.status === 'in_progress' && (claim.holdUntil ?? 0) < now.getTime())) {
      claims.set(tenantId, { tenantId, status: 'in_progress', holdUntil: now.getTime() + holdSeconds * 1000 });
      return 'claimed';
    }
    return claim.status === 'done' ? 'done' : 'busy';
  }

  async finishTenant(day: string, tenantId: string, outcome: TenantOutcome, now: Date): Promise<void> {
    this.claimsOf(day).set(tenantId, { tenantId, status: 'done', outcome, finishedAt: now.toISOString() });
  }

  async releaseTenant(day: string, tenantId: string): Promise<void> {
    const claims = this.claimsOf(day);
    if (claims.get(tenantId)?.status === 'in_progress') claims.delete(tenantId);
  }

  async count(
    runId: string,
    outcome: TenantOutcome,
    tokens: number,
    costMicros: number,
    now: Date,
  ): Promise<RunSummary> {
    return this.toSummary(this.add(runId, { [outcome]: 1, tokens, costMicros }, { lastFinishedAt: now.toISOString() }));
  }

  async summary(runId: string): Promise<RunSummary | undefined> {
    const item = this.runs.get(runId);
    return item ? this.toSummary(item) : undefined;
  }

  /** The claims taken on a day, in no particular order. */
  claims(day: string): TenantClaim[] {
    return [...this.claimsOf(day).values()];
  }

  private claimsOf(day: string): Map<string, TenantClaim> {
    let claims = this.days.get(day);
    if (!claims) this.days.set(day, (claims = new Map<string, TenantClaim>()));
    return claims;
  }

  /** ADD counters (and SET fields) on a run's item, creating it as DynamoDB's UpdateItem would. */
  private add(
    runId: string,
    counters: Readonly<Record<string, number>>,
    fields: Readonly<Record<string, string>> = {},
  ): Record<string, unknown> {
    const item = this.runs.get(runId) ?? {};
    for (const [name, value] of Object.entries(counters))
      item[name] = (typeof item[name] === 'number' ? item[name] : 0) + value;
    Object.assign(item, fields);
    this.runs.set(runId, item);
    return item;
  }

  private toSummary(item: Record<string, unknown>): RunSummary {
    return runSummarySchema.parse({ ...ZERO_COUNTERS, ...item });
  }
}

/** One registry item, with the TTL the API's entries carry. */
interface RegistryItem extends RegistryEntry {
  /** Epoch ms; only the API's entries expire. */
  readonly expiresAt?: number;
}

/**
 * `TenantRegistry` in memory with the semantics of `DynamoTenantRegistry` (for the simulation): ordered by tenant id,
 * pages end with a cursor whenever they are full (so the last page may be empty, as with DynamoDB's
 * LastEvaluatedKey), the API's entries expire `activeDays` after they were last seen, admin entries never do.
 */
export class MemoryTenantRegistry implements TenantRegistry {
  private readonly items = new Map<string, RegistryItem>();
  private sortedIds: string[] | undefined;

  constructor(
    private readonly activeDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async page(limit: number, cursor?: string): Promise<{ tenantIds: string[]; cursor?: string }> {
    const { entries, cursor: next } = await this.list(limit, cursor);
    return { tenantIds: entries.map((entry) => entry.tenantId), ...(next ? { cursor: next } : {}) };
  }

  async touch(tenantId: string, now: Date): Promise<void> {
    const existing = this.items.get(tenantId);
    if (existing?.source === 'admin') return;
    this.put({
      tenantId,
      source: 'api',
      lastSeenAt: now.toISOString(),
      expiresAt: now.getTime() + this.activeDays * 86_400_000,
    });
  }

  async add(tenantId: string, _by: string, now: Date): Promise<RegistryEntry> {
    const entry: RegistryEntry = { tenantId, source: 'admin', lastSeenAt: now.toISOString() };
    this.put(entry);
    return entry;
  }

  async remove(tenantId: string): Promise<boolean> {
    this.sortedIds = undefined;
    return this.items.delete(tenantId);
  }

  async list(limit: number, cursor?: string): Promise<{ entries: RegistryEntry[]; cursor?: string }> {
    const ids = this.ordered();
    const start = cursor === undefined ? 0 : upperBound(ids, cursor);
    const pageIds = ids.slice(start, start + limit);
    const now = this.clock().getTime();
    const entries = pageIds
      .map((id) => this.items.get(id) as RegistryItem)
      .filter((item) => item.expiresAt === undefined || item.expiresAt > now)
      .map(({ tenantId, source, lastSeenAt }) => ({ tenantId, source, lastSeenAt }));
    const last = pageIds[pageIds.length - 1];
    return { entries, ...(pageIds.length === limit && last !== undefined ? { cursor: last } : {}) };
  }

  private put(item: RegistryItem): void {
    if (!this.items.has(item.tenantId)) this.sortedIds = undefined;
    this.items.set(item.tenantId, item);
  }

  private ordered(): string[] {
    this.sortedIds ??= [...this.items.keys()].sort();
    return this.sortedIds;
  }
}

/** The index of the first id after `id` in sorted `ids`. */
const upperBound = (ids: readonly string[], id: string): number => {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ids[middle] as string) <= id) low = middle + 1;
    else high = middle;
  }
  return low;
};
