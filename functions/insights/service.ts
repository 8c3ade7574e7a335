import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { onBehalfOf, type BusinessData } from '../shared/business-api/port';
import { sourceNames, type BusinessSnapshot } from '../shared/business-api/model';
import type { Invocation } from '../shared/invocation';
import type { MetricsRecorder } from '../shared/observability';
import { fingerprintOf, type Generation, type InsightGenerator } from './generation';
import type { Insight, InsightSet, InsightStatus, ListInsightsQuery } from './model';
import { countInsights, selectPage, type InsightPage } from './query';
import { computeSignals } from './signals';
import type { InsightStore } from './store';
import {
  ConflictError,
  NotFoundError,
  RateLimitedError,
  ServiceBusyError,
  UpstreamUnavailableError,
} from '../shared/errors';

/** Tunables of the insights use cases (from config). */
export interface InsightsSettings {
  readonly ttlHours: number;
  readonly refreshCooldownSeconds: number;
  readonly dismissSuppressionDays: number;
  readonly leaseSeconds: number;
  readonly leasePollMs: number;
}

/** The ports and settings the insights service runs on. */
export interface InsightsDependencies {
  readonly store: InsightStore;
  readonly businessData: BusinessData;
  readonly generator: InsightGenerator;
  readonly metrics: MetricsRecorder;
  readonly settings: InsightsSettings;
  readonly clock: () => Date;
}

/** A set as served: `stale` when it is past its expiry and could not be regenerated. */
export interface ServedSet {
  readonly set: InsightSet;
  readonly stale: boolean;
  /** Tokens and cost of the generation, when this request made one. */
  readonly usage?: Generation['usage'];
}

/** How a generation runs: for a user (stale sets served, rules on model failure) or for the nightly run. */
interface GenerationMode {
  readonly requestType: 'insights' | 'batch';
  /** Nightly run: no stale set, no generation without data, and an unavailable model is an error to retry. */
  readonly batch: boolean;
}

const USER_MODE: GenerationMode = { requestType: 'insights', batch: false };
const BATCH_MODE: GenerationMode = { requestType: 'batch', batch: true };

/** What the nightly run did for one tenant. */
export interface BatchGeneration {
  readonly outcome: 'generated' | 'from_cache' | 'fallback';
  readonly tokens: number;
  readonly costMicros: number;
}

const hasAnyData = (snapshot: BusinessSnapshot): boolean =>
  snapshot.foundation !== undefined ||
  (snapshot.goals?.length ?? 0) > 0 ||
  snapshot.performance?.overallScore !== undefined ||
  (snapshot.actions?.length ?? 0) > 0 ||
  (snapshot.issues?.length ?? 0) > 0;

/** Response body of the list and refresh routes. */
export type InsightPageResponse = InsightPage &
  Pick<InsightSet, 'generatedAt' | 'expiresAt' | 'dataGaps' | 'provenance'> & { readonly stale: boolean };

const isFresh = (set: InsightSet, now: Date): boolean => new Date(set.expiresAt).getTime() > now.getTime();

const newInsightId = (): string => randomBytes(9).toString('base64url');

/** How often a new set is merged and re-saved when status changes keep racing it. */
const SAVE_ATTEMPTS = 3;

/** The set with the dismissed and acknowledged statuses of `previous` carried over to the same fingerprints. */
const withStatusesOf = (set: InsightSet, previous: InsightSet | undefined): InsightSet => {
  const statusByFingerprint = new Map(
    previous?.insights
      .filter((insight) => insight.status !== 'active')
      .map((insight) => [insight.fingerprint, insight]),
  );
  return {
    ...set,
    insights: set.insights.map((insight) => {
      const earlier = statusByFingerprint.get(insight.fingerprint);
      return earlier ? { ...insight, status: earlier.status, updatedAt: earlier.updatedAt } : insight;
    }),
  };
};

/** The insights use cases: read (generating on a miss), summarize, refresh, dismiss and acknowledge. */
export class InsightsService {
  constructor(private readonly deps: InsightsDependencies) {}

  /** A page of the tenant's current insights; generates a new set when there is no fresh one. */
  async list(invocation: Invocation, query: ListInsightsQuery): Promise<InsightPageResponse> {
    return this.pageOf(await this.current(invocation), query);
  }

  /** Counts of the current set by category, priority and status. */
  async summary(invocation: Invocation): Promise<
    ReturnType<typeof countInsights> & {
      generatedAt: string;
      expiresAt: string;
      stale: boolean;
    }
  > {
    const { set, stale } = await this.current(invocation);
    return { ...countInsights(set.insights), generatedAt: set.generatedAt, expiresAt: set.expiresAt, stale };
  }

  /** Regenerates now, ignoring the cache; at most once per tenant per cooldown (429 with Retry-After). */
  async refresh(invocation: Invocation, query: ListInsightsQuery): Promise<InsightPageResponse> {
    const { store, settings, clock } = this.deps;
    const [claim, existing] = await Promise.all([
      store.claimRefresh(invocation.caller.tenantId, clock(), settings.refreshCooldownSeconds),
      store.currentSet(invocation.caller.tenantId),
    ]);
    if (!claim.ok) {
      throw new RateLimitedError(
        `Insights can be refreshed once every ${Math.round(settings.refreshCooldownSeconds / 60)} minutes`,
        claim.retryAfterSeconds,
      );
    }
    return this.pageOf(await this.generateOnce(invocation, existing), query);
  }

  /**
   * The nightly run's generation for one tenant (a service token in `invocation`): keeps a set made since `freshSince`,
   * else generates with the model (rules when the tenant's budget is spent). A tenant without data, or whose sources
   * all fail, is an UpstreamUnavailableError (skipped); an unavailable model is a ModelUnavailableError (retried).
   */
  async generateForBatch(invocation: Invocation, freshSince: Date): Promise<BatchGeneration> {
    const existing = await this.deps.store.currentSet(invocation.caller.tenantId);
    if (existing && isFresh(existing, this.deps.clock()) && Date.parse(existing.generatedAt) >= freshSince.getTime()) {
      return { outcome: 'from_cache', tokens: 0, costMicros: 0 };
    }
    const served = await this.generateOnce(invocation, existing, BATCH_MODE);
    if (served.stale) throw new ServiceBusyError('Another generation for this tenant is still running', 30);
    const { outcome } = served.set.provenance;
    return {
      // `rules` is the configured generator (no model here); `fallback` means the model could not be used.
      outcome: outcome === 'fallback' ? 'fallback' : 'generated',
      tokens: served.usage?.tokens ?? 0,
      costMicros: served.usage?.costMicros ?? 0,
    };
  }

  /** Sets an insight's status; dismissing also suppresses the same insight in later sets. Idempotent. */
  async setStatus(
    invocation: Invocation,
    insightId: string,
    status: Exclude<InsightStatus, 'active'>,
  ): Promise<Insight> {
    const { store, settings, clock } = this.deps;
    const now = clock();
    const insight = await store.updateStatus(invocation.caller.tenantId, insightId, status, now);
    if (!insight) throw new NotFoundError(`No insight with id "${insightId}"`);
    if (status === 'dismissed') {
      const until = new Date(now.getTime() + settings.dismissSuppressionDays * 86_400_000);
      await store.suppress(
        invocation.caller.tenantId,
        { fingerprint: insight.fingerprint, title: insight.title },
        until,
      );
    }
    invocation.log.info('insight status changed', { insightId, status });
    return insight;
  }

  private pageOf({ set, stale }: ServedSet, query: ListInsightsQuery): InsightPageResponse {
    return {
      ...selectPage(set.insights, query),
      generatedAt: set.generatedAt,
      expiresAt: set.expiresAt,
      stale,
      dataGaps: set.dataGaps,
      provenance: set.provenance,
    };
  }

  private async current(invocation: Invocation): Promise<ServedSet> {
    const existing = await this.deps.store.currentSet(invocation.caller.tenantId);
    const hit = existing !== undefined && isFresh(existing, this.deps.clock());
    this.deps.metrics.addMetric(hit ? 'CacheHit' : 'CacheMiss', MetricUnit.Count, 1);
    return hit ? { set: existing, stale: false } : this.generateOnce(invocation, existing);
  }

  /**
   * Generates under the tenant's lease so concurrent misses make one model call: the caller that takes the lease
   * generates; the others poll for the new set until the lease would have expired.
   */
  private async generateOnce(
    invocation: Invocation,
    existing: InsightSet | undefined,
    mode: GenerationMode = USER_MODE,
  ): Promise<ServedSet> {
    const { store, settings, clock } = this.deps;
    const tenantId = invocation.caller.tenantId;
    const owner = randomUUID();
    const deadline = clock().getTime() + settings.leaseSeconds * 1000;
    while (clock().getTime() <= deadline) {
      if (await store.acquireLease(tenantId, owner, clock(), settings.leaseSeconds)) {
        try {
          return await this.generate(invocation, existing, mode);
        } finally {
          await store.releaseLease(tenantId, owner);
        }
      }
      await sleep(settings.leasePollMs);
      const latest = await store.currentSet(tenantId);
      if (latest && latest.setId !== existing?.setId && isFresh(latest, clock())) return { set: latest, stale: false };
    }
    if (existing) return { set: existing, stale: true };
    throw new ServiceBusyError('Insights are still being generated; try again in a few seconds', 5);
  }

  /**
   * Saves a new set over the one it was generated from. When a dismissal or acknowledgement landed meanwhile, the
   * write is refused; the new set then takes over those statuses (by fingerprint) and is saved over the latest.
   */
  private async save(
    invocation: Invocation,
    generated: InsightSet,
    replacing: InsightSet | undefined,
  ): Promise<InsightSet> {
    let base = replacing;
    for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt += 1) {
      const candidate = withStatusesOf(generated, base);
      if (await this.deps.store.saveSet(candidate, base)) return candidate;
      invocation.log.info('insight set changed during generation; merging its statuses', { attempt });
      base = await this.deps.store.currentSet(invocation.caller.tenantId);
    }
    throw new ConflictError('The insights changed while they were being regenerated; try again');
  }

  private async generate(
    invocation: Invocation,
    existing: InsightSet | undefined,
    mode: GenerationMode,
  ): Promise<ServedSet> {
    const { store, businessData, generator, metrics, settings, clock } = this.deps;
    const startedAt = Date.now();
    const tenantId = invocation.caller.tenantId;
    const [snapshot, dismissals] = await Promise.all([
      businessData.snapshot(onBehalfOf(invocation)),
      store.activeDismissals(tenantId, clock()),
    ]);
    if (snapshot.gaps.length === sourceNames.length) {
      invocation.log.error('every business data source failed', {
        gaps: snapshot.gaps,
        hasOlderSet: existing !== undefined,
      });
      if (existing && !mode.batch) return { set: existing, stale: true };
      throw new UpstreamUnavailableError(
        `None of the business data sources (${sourceNames.join(', ')}) could be read, and there are no earlier ` +
          'insights to show. Try again in a few minutes.',
      );
    }
    if (mode.batch && !hasAnyData(snapshot)) {
      throw new UpstreamUnavailableError(
        'The tenant has no business data yet (no foundation, goals, score, actions or issues)',
      );
    }
    const now = clock();
    const signals = computeSignals(snapshot, now);
    const generation = await generator.generate({
      invocation,
      snapshot,
      signals,
      dismissals,
      now,
      requestType: mode.requestType,
      strictModel: mode.batch,
    });
    const createdAt = now.toISOString();
    const expiresAt = new Date(now.getTime() + settings.ttlHours * 3_600_000).toISOString();
    const generated: InsightSet = {
      tenantId,
      setId: randomUUID(),
      generatedAt: createdAt,
      expiresAt,
      dataGaps: snapshot.gaps,
      provenance: generation.provenance,
      revision: 0,
      insights: generation.drafts.map((draft) => ({
        ...draft,
        id: newInsightId(),
        fingerprint: fingerprintOf(draft),
        status: 'active',
        createdAt,
        updatedAt: createdAt,
        expiresAt,
      })),
    };
    const set = await this.save(invocation, generated, existing);
    metrics.addMetric('GenerationTime', MetricUnit.Milliseconds, Date.now() - startedAt);
    invocation.log.info('insight set generated', {
      setId: set.setId,
      count: set.insights.length,
      gaps: snapshot.gaps.map((gap) => gap.source),
      ...generation.provenance,
    });
    return { set, stale: false, usage: generation.usage };
  }
}
