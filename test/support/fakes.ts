import type { BusinessSnapshot } from '../../functions/shared/business-api/model';
import type { BusinessData } from '../../functions/shared/business-api/port';
import type { Generation, GenerationInput, InsightGenerator } from '../../functions/insights/generation';
import type { Insight, InsightSet, InsightStatus } from '../../functions/insights/model';
import type { Dismissal, InsightStore, RefreshClaim } from '../../functions/insights/store';
import type { Invocation } from '../../functions/shared/invocation';
import { logger } from '../../functions/shared/observability';
import { testInvocation } from './invocation';

/** InsightStore in memory, with the same conditional semantics as the DynamoDB adapter. */
export class InMemoryInsightStore implements InsightStore {
  readonly sets = new Map<string, InsightSet>();
  readonly dismissals = new Map<string, { dismissal: Dismissal; until: Date }[]>();
  private readonly leases = new Map<string, { owner: string; until: number }>();
  private readonly refreshes = new Map<string, number>();

  async currentSet(tenantId: string): Promise<InsightSet | undefined> {
    return this.sets.get(tenantId);
  }

  /** Runs just before a save checks its condition: lets a test slip a status change in. */
  beforeSave: () => Promise<void> = async () => undefined;

  async saveSet(set: InsightSet, replacing: InsightSet | undefined): Promise<boolean> {
    await this.beforeSave();
    const current = this.sets.get(set.tenantId);
    const unchanged = replacing
      ? current?.setId === replacing.setId && current.revision === replacing.revision
      : current === undefined;
    if (unchanged) this.sets.set(set.tenantId, set);
    return unchanged;
  }

  async updateStatus(tenantId: string, id: string, status: InsightStatus, now: Date): Promise<Insight | undefined> {
    const set = this.sets.get(tenantId);
    const current = set?.insights.find((insight) => insight.id === id);
    if (!set || !current) return undefined;
    const updated = { ...current, status, updatedAt: now.toISOString() };
    const insights = set.insights.map((insight) => (insight.id === id ? updated : insight));
    this.sets.set(tenantId, { ...set, insights, revision: set.revision + 1 });
    return updated;
  }

  async suppress(tenantId: string, dismissal: Dismissal, until: Date): Promise<void> {
    this.dismissals.set(tenantId, [...(this.dismissals.get(tenantId) ?? []), { dismissal, until }]);
  }

  async activeDismissals(tenantId: string, now: Date): Promise<Dismissal[]> {
    return (this.dismissals.get(tenantId) ?? []).filter((entry) => entry.until > now).map((entry) => entry.dismissal);
  }

  async acquireLease(tenantId: string, owner: string, now: Date, seconds: number): Promise<boolean> {
    const lease = this.leases.get(tenantId);
    if (lease && lease.until >= now.getTime()) return false;
    this.leases.set(tenantId, { owner, until: now.getTime() + seconds * 1000 });
    return true;
  }

  async releaseLease(tenantId: string, owner: string): Promise<void> {
    if (this.leases.get(tenantId)?.owner === owner) this.leases.delete(tenantId);
  }

  async claimRefresh(tenantId: string, now: Date, cooldownSeconds: number): Promise<RefreshClaim> {
    const last = this.refreshes.get(tenantId);
    if (last !== undefined && now.getTime() - last < cooldownSeconds * 1000) {
      return { ok: false, retryAfterSeconds: Math.ceil((last + cooldownSeconds * 1000 - now.getTime()) / 1000) };
    }
    this.refreshes.set(tenantId, now.getTime());
    return { ok: true };
  }
}

/** BusinessData answering a fixed snapshot (or one per tenant), counting calls, optionally slow. */
export class FixedBusinessData implements BusinessData {
  calls = 0;
  constructor(
    public snapshotFor: (tenantId: string) => BusinessSnapshot,
    private readonly delayMs = 0,
  ) {}

  async snapshot(request: { tenantId: string }): Promise<BusinessSnapshot> {
    this.calls += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.snapshotFor(request.tenantId);
  }
}

/** InsightGenerator delegating to a function, recording its inputs. */
export class RecordingGenerator implements InsightGenerator {
  readonly inputs: GenerationInput[] = [];
  constructor(private readonly produce: (input: GenerationInput) => Generation) {}

  async generate(input: GenerationInput): Promise<Generation> {
    this.inputs.push(input);
    return this.produce(input);
  }
}

/** MetricsRecorder that keeps what was added. */
export class RecordingMetrics {
  readonly added: { name: string; value: number }[] = [];
  addMetric(name: string, _unit: unknown, value: number): void {
    this.added.push({ name, value });
  }
  total(name: string): number {
    return this.added.filter((metric) => metric.name === name).reduce((sum, metric) => sum + metric.value, 0);
  }
}

/** An invocation of a tenant's user, as the HTTP pipeline would start it. */
export const invocationFor = (tenantId: string, userId = 'user-1'): Invocation =>
  testInvocation({ tenantId, userId, correlationId: `corr-${tenantId}`, log: logger }).invocation;
