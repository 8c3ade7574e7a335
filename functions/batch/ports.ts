import type { Queue } from '../shared/jobs/queue';
import type { BatchMessage, RegistryEntry, RunSummary, TenantOutcome } from './model';

/** Where the run's tenant work is queued (SQS in AWS; an in-memory queue locally and in the simulation). */
export type TaskQueue = Queue<BatchMessage>;

/** The tenants the nightly run covers. */
export interface TenantRegistry {
  /** One page of tenant ids in a stable order; `cursor` continues where the last page ended. */
  page(limit: number, cursor?: string): Promise<{ tenantIds: string[]; cursor?: string }>;
  /** Records that the API saw a tenant (at most one write per tenant per day and process). */
  touch(tenantId: string, now: Date): Promise<void>;
  add(tenantId: string, by: string, now: Date): Promise<RegistryEntry>;
  /** False when the tenant was not in the registry. */
  remove(tenantId: string): Promise<boolean>;
  list(limit: number, cursor?: string): Promise<{ entries: RegistryEntry[]; cursor?: string }>;
}

/** Per-run counters and the per-tenant-per-day claims that make redelivery harmless. */
export interface BatchLedger {
  startRun(runId: string, day: string, now: Date): Promise<void>;
  addEnqueued(runId: string, count: number): Promise<void>;
  /**
   * Claims a tenant's day: `claimed` the first time (or when an earlier claim's hold expired), `done` once it was
   * finished, `busy` while another delivery holds it.
   */
  claimTenant(day: string, tenantId: string, now: Date, holdSeconds: number): Promise<'claimed' | 'done' | 'busy'>;
  finishTenant(day: string, tenantId: string, outcome: TenantOutcome, now: Date): Promise<void>;
  /** Gives a claim back (the work will be retried). */
  releaseTenant(day: string, tenantId: string): Promise<void>;
  /** Counts one tenant's outcome in its run; returns the run's counters after it. */
  count(runId: string, outcome: TenantOutcome, tokens: number, costMicros: number, now: Date): Promise<RunSummary>;
  summary(runId: string): Promise<RunSummary | undefined>;
}
