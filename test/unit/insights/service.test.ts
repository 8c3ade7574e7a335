import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import { sourceNames } from '../../../functions/shared/business-api/model';
import type { Generation, SourcedDraft } from '../../../functions/insights/generation';
import { InsightsService, type InsightsSettings } from '../../../functions/insights/service';
import { listInsightsQuerySchema } from '../../../functions/insights/model';
import { InMemoryInsightStore } from '../../../functions/insights/store';
import { invocationFor, FixedBusinessData, RecordingGenerator, RecordingMetrics } from '../../support/fakes';
import { NotFoundError, RateLimitedError, UpstreamUnavailableError } from '../../../functions/shared/errors';

const NOW = new Date('2026-11-21T08:00:00.000Z');
const settings: InsightsSettings = {
  ttlHours: 24,
  refreshCooldownSeconds: 300,
  dismissSuppressionDays: 30,
  leaseSeconds: 5,
  leasePollMs: 5,
};
const firstPage = listInsightsQuerySchema.parse({ status: 'all' });

const snapshot = (tenantId: string, gaps: BusinessSnapshot['gaps'] = []): BusinessSnapshot => ({
  tenantId,
  fetchedAt: NOW.toISOString(),
  goals: [{ id: 'g1', title: 'Open a second location', status: 'at_risk', progress: 35 }],
  gaps,
  dropped: {},
});

const draft = (n: number): SourcedDraft => ({
  title: `Insight ${n}`,
  description: `Description of insight ${n}, long enough.`,
  category: 'operations',
  priority: 'high',
  actionable: true,
  suggestedActions: ['Act'],
  evidence: [{ source: 'goals', metric: 'progress', value: 35 }],
  signalKey: `signal:${n}`,
  source: 'llm',
});

const fiveDrafts: Generation = {
  drafts: [1, 2, 3, 4, 5].map(draft),
  provenance: { promptTopic: 'insights_generation', promptVersion: 'v1.0', modelId: 'm', outcome: 'ok' },
};

const setup = (options: { businessDelayMs?: number; gaps?: BusinessSnapshot['gaps'] } = {}) => {
  let now = NOW;
  const store = new InMemoryInsightStore();
  const businessData = new FixedBusinessData((tenantId) => snapshot(tenantId, options.gaps), options.businessDelayMs);
  const generator = new RecordingGenerator(() => fiveDrafts);
  const metrics = new RecordingMetrics();
  const service = new InsightsService({ store, businessData, generator, metrics, settings, clock: () => now });
  return {
    service,
    store,
    businessData,
    generator,
    metrics,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
};

const allGaps = sourceNames.map((source) => ({ source, reason: 'timeout' as const }));

describe('InsightsService', () => {
  it('generates on a miss, stores the set for 24 hours, and serves the next read from the cache', async () => {
    const { service, generator, metrics } = setup();

    const first = await service.list(invocationFor('t1'), firstPage);
    const second = await service.list(invocationFor('t1'), firstPage);

    expect(generator.inputs).toHaveLength(1);
    expect(first.expiresAt).toBe('2026-11-22T08:00:00.000Z');
    expect(second.generatedAt).toBe(first.generatedAt);
    expect(second.items.map((item) => item.id)).toEqual(first.items.map((item) => item.id));
    expect(metrics.total('CacheMiss')).toBe(1);
    expect(metrics.total('CacheHit')).toBe(1);
  });

  it('regenerates once the set has expired', async () => {
    const { service, generator, advance } = setup();
    await service.list(invocationFor('t1'), firstPage);

    advance(24 * 3_600_000 + 1);
    await service.list(invocationFor('t1'), firstPage);

    expect(generator.inputs).toHaveLength(2);
  });

  it('makes one generation for 20 concurrent misses of the same tenant', async () => {
    const { service, generator } = setup({ businessDelayMs: 50 });

    const pages = await Promise.all(Array.from({ length: 20 }, () => service.list(invocationFor('t1'), firstPage)));

    expect(generator.inputs).toHaveLength(1);
    expect(new Set(pages.map((page) => page.generatedAt)).size).toBe(1);
  });

  it('serves the older set marked stale when every source fails', async () => {
    const { service, store } = setup();
    await service.list(invocationFor('t1'), firstPage);
    const older = await store.currentSet('t1');
    const failing = setup({ gaps: allGaps });
    await failing.store.saveSet(older!, undefined);
    failing.advance(25 * 3_600_000);

    const page = await failing.service.list(invocationFor('t1'), firstPage);

    expect(page.stale).toBe(true);
    expect(page.generatedAt).toBe(older!.generatedAt);
  });

  it('fails with upstream_unavailable when every source fails and there is no older set', async () => {
    const { service } = setup({ gaps: allGaps });

    await expect(service.list(invocationFor('t1'), firstPage)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('records a dismissal for 30 days and hands it to the next generation', async () => {
    const { service, store, generator, advance } = setup();
    const page = await service.list(invocationFor('t1'), firstPage);
    const target = page.items[0]!;

    const dismissed = await service.setStatus(invocationFor('t1'), target.id, 'dismissed');
    advance(25 * 3_600_000);
    await service.list(invocationFor('t1'), firstPage);

    expect(dismissed.status).toBe('dismissed');
    const suppressedUntil = new Date('2026-12-21T08:00:00.000Z');
    expect(await store.activeDismissals('t1', new Date(suppressedUntil.getTime() - 1))).toHaveLength(1);
    expect(await store.activeDismissals('t1', suppressedUntil)).toEqual([]);
    expect(generator.inputs[1]?.dismissals).toEqual([{ fingerprint: target.fingerprint, title: target.title }]);
  });

  it('keeps an acknowledged insight acknowledged in the next set', async () => {
    const { service, advance } = setup();
    const page = await service.list(invocationFor('t1'), firstPage);
    await service.setStatus(invocationFor('t1'), page.items[1]!.id, 'acknowledged');

    advance(25 * 3_600_000);
    const next = await service.list(invocationFor('t1'), firstPage);

    const carried = next.items.find((item) => item.fingerprint === page.items[1]!.fingerprint);
    expect(carried?.status).toBe('acknowledged');
  });

  it('keeps a dismissal that lands while a new set is being generated', async () => {
    const { service, store, advance } = setup();
    const page = await service.list(invocationFor('t1'), firstPage);
    const target = page.items[2]!;
    advance(25 * 3_600_000);
    const save = store.saveSet.bind(store);
    // A status change lands between the generation's read of the set and its conditional save.
    jest.spyOn(store, 'saveSet').mockImplementationOnce(async (set, replacing) => {
      await service.setStatus(invocationFor('t1'), target.id, 'dismissed');
      return save(set, replacing);
    });

    const next = await service.list(invocationFor('t1'), { ...firstPage, status: 'dismissed' });

    expect(next.generatedAt).not.toBe(page.generatedAt);
    expect(next.items.map((item) => item.fingerprint)).toEqual([target.fingerprint]);
  });

  it('answers not found for an id of another tenant', async () => {
    const { service } = setup();
    const page = await service.list(invocationFor('tenant-a'), firstPage);
    await service.list(invocationFor('tenant-b'), firstPage);

    await expect(service.setStatus(invocationFor('tenant-b'), page.items[0]!.id, 'dismissed')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('allows one refresh per cooldown and says when to retry', async () => {
    const { service, generator, advance } = setup();
    await service.refresh(invocationFor('t1'), firstPage);
    advance(60_000);

    const second = service.refresh(invocationFor('t1'), firstPage);

    await expect(second).rejects.toBeInstanceOf(RateLimitedError);
    await expect(second).rejects.toMatchObject({ retryAfterSeconds: 240 });
    expect(generator.inputs).toHaveLength(1);
  });
});
