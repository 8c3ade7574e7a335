import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import { sourceNames } from '../../../functions/shared/business-api/model';
import type { Generation, GenerationInput, SourcedDraft } from '../../../functions/insights/generation';
import { InsightsService, type InsightsSettings } from '../../../functions/insights/service';
import { listInsightsQuerySchema } from '../../../functions/insights/model';
import { InMemoryInsightStore } from '../../../functions/insights/store';
import { MemoryQueue } from '../../../functions/shared/jobs/memory-queue';
import type { JobMessage } from '../../../functions/shared/jobs/model';
import { InMemoryJobStore } from '../../../functions/shared/jobs/store';
import {
  ModelUnavailableError,
  NoBusinessDataError,
  NotFoundError,
  RateLimitedError,
  ServiceBusyError,
  UpstreamUnavailableError,
} from '../../../functions/shared/errors';
import { invocationFor, FixedBusinessData, RecordingGenerator, RecordingMetrics } from '../../support/fakes';

const NOW = new Date('2026-11-21T08:00:00.000Z');
const settings: InsightsSettings = {
  ttlHours: 24,
  refreshCooldownSeconds: 300,
  dismissSuppressionDays: 30,
  jobHoldSeconds: 900,
  retryFailedAfterSeconds: 600,
  jobMaxAttempts: 3,
};
const firstPage = listInsightsQuerySchema.parse({ status: 'all' });
const HOUR = 3_600_000;

const snapshot = (tenantId: string, gaps: BusinessSnapshot['gaps'] = []): BusinessSnapshot => ({
  tenantId,
  fetchedAt: NOW.toISOString(),
  goals: [{ id: 'g1', title: 'Open a second location', status: 'at_risk', progress: 35 }],
  gaps,
  dropped: {},
});

const draft = (n: number, source: SourcedDraft['source']): SourcedDraft => ({
  title: `Insight ${n}`,
  description: `Description of insight ${n}, long enough.`,
  category: 'operations',
  priority: 'high',
  actionable: true,
  suggestedActions: ['Act'],
  evidence: [{ source: 'goals', metric: 'progress', value: 35 }],
  signalKey: `signal:${n}`,
  source,
});

const ruleDrafts: Generation = {
  drafts: [1, 2, 3, 4, 5].map((n) => draft(n, 'rules')),
  provenance: { promptTopic: 'rules', promptVersion: 'rules-v1', outcome: 'rules' },
};
const modelDrafts: Generation = {
  drafts: [1, 2, 3, 6, 7].map((n) => draft(n, 'llm')),
  provenance: { promptTopic: 'insights_generation', promptVersion: 'v1.0', modelId: 'm', outcome: 'ok' },
};

type ModelAnswer = Generation | Error;

const setup = (
  options: {
    withModel?: boolean;
    businessDelayMs?: number;
    gaps?: BusinessSnapshot['gaps'];
    model?: (input: GenerationInput) => ModelAnswer;
  } = {},
) => {
  let now = NOW;
  const clock = (): Date => now;
  const store = new InMemoryInsightStore();
  const jobs = new InMemoryJobStore(clock);
  const queue = new MemoryQueue<JobMessage>({
    visibilityTimeoutSeconds: 300,
    maxReceiveCount: 3,
    now: () => now.getTime(),
  });
  const businessData = new FixedBusinessData((tenantId) => snapshot(tenantId, options.gaps), options.businessDelayMs);
  const rules = new RecordingGenerator(() => ruleDrafts);
  const produce = options.model ?? ((): ModelAnswer => modelDrafts);
  const model = new RecordingGenerator((input) => {
    const answer = produce(input);
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const metrics = new RecordingMetrics();
  const service = new InsightsService({
    store,
    jobs,
    queue,
    businessData,
    rules,
    ...(options.withModel === false ? {} : { model }),
    metrics,
    settings,
    clock,
  });
  /** Delivers every queued job to the worker, as the on-demand worker would, and returns the outcomes. */
  const work = async (tenantId = 't1'): Promise<string[]> => {
    const outcomes: string[] = [];
    for (const record of queue.receive(10)) {
      outcomes.push(await service.runJob(invocationFor(tenantId), JSON.parse(record.body) as JobMessage));
      queue.delete(record.messageId);
    }
    return outcomes;
  };
  return {
    service,
    store,
    jobs,
    queue,
    rules,
    model,
    metrics,
    work,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
};

const allGaps = sourceNames.map((source) => ({ source, reason: 'timeout' as const }));

describe('InsightsService under the rules provider (no model)', () => {
  it('writes the set in the request on a miss, records a finished job, and serves the next read from the cache', async () => {
    const { service, rules, metrics } = setup({ withModel: false });

    const first = await service.list(invocationFor('t1'), firstPage);
    const second = await service.list(invocationFor('t1'), firstPage);

    expect(rules.inputs).toHaveLength(1);
    expect(first).toMatchObject({ source: 'rules', stale: false, expiresAt: '2026-11-22T08:00:00.000Z' });
    expect(first.generation).toMatchObject({ status: 'done', jobId: expect.any(String) });
    expect(second.generatedAt).toBe(first.generatedAt);
    expect(metrics.total('CacheMiss')).toBe(1);
    expect(metrics.total('CacheHit')).toBe(1);
  });

  it('writes one set for 20 concurrent misses of a tenant: the others wait for it', async () => {
    const { service, rules } = setup({ withModel: false, businessDelayMs: 50 });

    const pages = await Promise.all(Array.from({ length: 20 }, () => service.list(invocationFor('t1'), firstPage)));

    expect(rules.inputs).toHaveLength(1);
    expect(new Set(pages.map((page) => page.generatedAt)).size).toBe(1);
  });

  it('regenerates once the set has expired', async () => {
    const { service, rules, advance } = setup({ withModel: false });
    await service.list(invocationFor('t1'), firstPage);

    advance(24 * HOUR + 1);
    await service.list(invocationFor('t1'), firstPage);

    expect(rules.inputs).toHaveLength(2);
  });

  it('serves the older set as stale when every source fails, and fails with upstream_unavailable without one', async () => {
    const healthy = setup({ withModel: false });
    await healthy.service.list(invocationFor('t1'), firstPage);
    const older = await healthy.store.currentSet('t1');
    const failing = setup({ withModel: false, gaps: allGaps });
    await failing.store.saveSet(older!, undefined);
    failing.advance(25 * HOUR);

    const page = await failing.service.list(invocationFor('t1'), firstPage);

    expect(page).toMatchObject({ stale: true, generatedAt: older!.generatedAt });
    await expect(failing.service.list(invocationFor('t2'), firstPage)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('fails with no_business_data (404) when every source has no records of the tenant', async () => {
    const notFound = sourceNames.map((source) => ({ source, reason: 'not_found' as const, status: 404 }));
    const { service, rules } = setup({ withModel: false, gaps: notFound });

    const read = service.list(invocationFor('t1'), firstPage);

    await expect(read).rejects.toBeInstanceOf(NoBusinessDataError);
    await expect(read).rejects.toMatchObject({ statusCode: 404, code: 'no_business_data' });
    expect(rules.inputs).toHaveLength(0);
  });

  it('refreshes at once (the job is done in the request), once per cooldown', async () => {
    const { service, rules, advance } = setup({ withModel: false });

    const job = await service.refresh(invocationFor('t1'));
    advance(60_000);
    const second = service.refresh(invocationFor('t1'));

    expect(job).toMatchObject({ status: 'done', trigger: 'refresh' });
    await expect(second).rejects.toBeInstanceOf(RateLimitedError);
    await expect(second).rejects.toMatchObject({ retryAfterSeconds: 240 });
    expect(rules.inputs).toHaveLength(1);
  });
});

describe('InsightsService.cached', () => {
  it('answers the stored set as it stands, fresh then stale, and never generates one', async () => {
    const { service, rules, store, advance } = setup({ withModel: false });

    const none = await service.cached(invocationFor('t1'));
    await service.list(invocationFor('t1'), firstPage);
    const fresh = await service.cached(invocationFor('t1'));
    advance(25 * HOUR);
    const stale = await service.cached(invocationFor('t1'));

    expect(none).toBeUndefined();
    expect(fresh).toMatchObject({ stale: false, source: 'rules', set: { tenantId: 't1' } });
    expect(stale).toMatchObject({ stale: true, source: 'rules', set: { setId: fresh?.set.setId } });
    expect(await service.cached(invocationFor('t2'))).toBeUndefined();
    expect(await store.currentSet('t2')).toBeUndefined();
    expect(rules.inputs).toHaveLength(1);
  });
});

describe('InsightsService with a model: a read never waits for it', () => {
  it("answers a miss at once with the rules' set and queues one job that writes the model's", async () => {
    const { service, queue, model, work } = setup();

    const miss = await service.list(invocationFor('t1'), firstPage);

    expect(miss).toMatchObject({ source: 'rules', stale: false, generation: { status: 'pending' } });
    expect(model.inputs).toHaveLength(0);
    expect(queue.depth()).toBe(1);

    expect(await work()).toEqual(['done']);
    const after = await service.list(invocationFor('t1'), firstPage);

    expect(after).toMatchObject({ source: 'llm', generation: { status: 'done', jobId: miss.generation?.jobId } });
    expect(after.provenance.outcome).toBe('ok');
  });

  it('starts one job for 20 concurrent misses, and answers them all with the one stand-in set the rules stored first', async () => {
    const { service, store, queue } = setup({ businessDelayMs: 20 });

    const pages = await Promise.all(Array.from({ length: 20 }, () => service.list(invocationFor('t1'), firstPage)));
    const stored = await store.currentSet('t1');

    expect(queue.depth()).toBe(1);
    expect(new Set(pages.map((page) => page.generation?.jobId)).size).toBe(1);
    expect(new Set(pages.map((page) => page.items[0]?.id))).toEqual(new Set([stored?.insights[0]?.id]));
    expect(stored?.revision).toBe(0);
  });

  it('serves an expired set as stale while its replacement is made', async () => {
    const { service, work, advance } = setup();
    await service.list(invocationFor('t1'), firstPage);
    await work();
    advance(25 * HOUR);

    const page = await service.list(invocationFor('t1'), firstPage);

    expect(page).toMatchObject({ stale: true, source: 'llm', generation: { status: 'pending' } });
  });

  it('keeps the id of every insight the new set shares with the one it replaces', async () => {
    const { service, work } = setup();
    const miss = await service.list(invocationFor('t1'), firstPage);

    await work();
    const after = await service.list(invocationFor('t1'), firstPage);

    const idOf = (items: typeof miss.items, key: string) => items.find((item) => item.signalKey === key)?.id;
    expect(after.source).toBe('llm');
    for (const key of ['signal:1', 'signal:2', 'signal:3']) expect(idOf(after.items, key)).toBe(idOf(miss.items, key));
    expect(new Set(after.items.map((item) => item.id)).size).toBe(5);
    expect(miss.items.map((item) => item.id)).not.toContain(idOf(after.items, 'signal:6'));
  });

  it('keeps the dismissals and acknowledgements made while the job ran', async () => {
    const { service, work } = setup();
    const miss = await service.list(invocationFor('t1'), firstPage);
    const [first, second] = miss.items;
    await service.setStatus(invocationFor('t1'), first!.id, 'dismissed');
    await service.setStatus(invocationFor('t1'), second!.id, 'acknowledged');

    await work();
    const after = await service.list(invocationFor('t1'), firstPage);

    const statusOf = (fingerprint: string) => after.items.find((item) => item.fingerprint === fingerprint)?.status;
    expect(after.source).toBe('llm');
    expect(statusOf(first!.fingerprint)).toBe('dismissed');
    expect(statusOf(second!.fingerprint)).toBe('acknowledged');
  });

  it('fails the job with its reason when the model cannot be used, leaving the rules set, and retries later', async () => {
    const invalid: Generation = {
      ...ruleDrafts,
      provenance: { ...ruleDrafts.provenance, outcome: 'fallback', reason: 'invalid_output' },
    };
    const { service, queue, work, advance } = setup({ model: () => invalid });
    const miss = await service.list(invocationFor('t1'), firstPage);

    expect(await work()).toEqual(['failed']);
    const job = await service.job(invocationFor('t1'), miss.generation!.jobId);
    const soon = await service.list(invocationFor('t1'), firstPage);
    advance(600_000);
    const later = await service.list(invocationFor('t1'), firstPage);

    expect(job).toMatchObject({ status: 'failed', reason: 'invalid_output', finishedAt: expect.any(String) });
    expect(soon).toMatchObject({ source: 'rules', generatedAt: miss.generatedAt, generation: { status: 'failed' } });
    expect(later.generation).toMatchObject({ status: 'pending' });
    expect(later.generation?.jobId).not.toBe(miss.generation?.jobId);
    expect(queue.depth()).toBe(1);
  });

  it('stores what the rules wrote when the tenant’s budget is spent (a finished job, the reason kept)', async () => {
    const spent: Generation = {
      ...ruleDrafts,
      provenance: { ...ruleDrafts.provenance, outcome: 'fallback', reason: 'usage_limit_exceeded' },
    };
    const { service, work } = setup({ model: () => spent });
    await service.list(invocationFor('t1'), firstPage);

    expect(await work()).toEqual(['done']);
    const page = await service.list(invocationFor('t1'), firstPage);

    expect(page.provenance).toMatchObject({ outcome: 'fallback', reason: 'usage_limit_exceeded' });
  });

  it('puts a throttled job back with a delay, and fails it after its last attempt', async () => {
    const { service, queue, work, advance, metrics } = setup({ model: () => new ModelUnavailableError('throttled') });
    const miss = await service.list(invocationFor('t1'), firstPage);
    const outcomes: string[] = [];

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      outcomes.push(...(await work()));
      advance(301_000);
    }

    expect(outcomes).toEqual(['retry_later', 'retry_later', 'failed']);
    expect(metrics.total('InsightJobOutcome_retry_later')).toBe(2);
    expect(metrics.total('InsightJobOutcome_failed')).toBe(1);
    expect(queue.depth()).toBe(0);
    expect(await service.job(invocationFor('t1'), miss.generation!.jobId)).toMatchObject({
      status: 'failed',
      reason: 'model_unavailable',
    });
  });

  it('skips a redelivered job that is already done', async () => {
    const { service, work, queue, metrics } = setup();
    const miss = await service.list(invocationFor('t1'), firstPage);
    await work();

    await queue.send([{ jobId: miss.generation!.jobId, tenantId: 't1', kind: 'insights' }]);

    expect(await work()).toEqual(['skipped']);
    expect(metrics.total('InsightJobOutcome_done')).toBe(1);
    expect(metrics.total('InsightJobOutcome_skipped')).toBe(1);
  });

  it('answers a refresh with 202-style job, the running one when there is one, and limits it per cooldown', async () => {
    const { service, queue, advance } = setup();
    const miss = await service.list(invocationFor('t1'), firstPage);

    const refresh = await service.refresh(invocationFor('t1'));
    advance(60_000);

    expect(refresh).toMatchObject({ jobId: miss.generation?.jobId, status: 'pending' });
    expect(queue.depth()).toBe(1);
    await expect(service.refresh(invocationFor('t1'))).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('fails a job it could not queue at once, so it does not hold the slot, and still answers the read', async () => {
    const { service, queue } = setup();
    jest.spyOn(queue, 'send').mockRejectedValueOnce(new Error('SQS unreachable'));

    const page = await service.list(invocationFor('t1'), firstPage);

    expect(page).toMatchObject({ source: 'rules', generation: { status: 'failed' } });
    expect(await service.job(invocationFor('t1'), page.generation!.jobId)).toMatchObject({ reason: 'not_queued' });
  });

  it("shows a tenant's jobs and insights to that tenant only", async () => {
    const { service } = setup();
    const page = await service.list(invocationFor('tenant-a'), firstPage);
    await service.list(invocationFor('tenant-b'), firstPage);

    await expect(service.job(invocationFor('tenant-b'), page.generation!.jobId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.setStatus(invocationFor('tenant-b'), page.items[0]!.id, 'dismissed')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('InsightsService for the nightly run', () => {
  it('keeps a set made since the run started, and generates with the model otherwise', async () => {
    const { service, work, model } = setup();
    await service.list(invocationFor('t1'), firstPage);
    await work();

    const cached = await service.generateForBatch(invocationFor('t1'), new Date(NOW.getTime() - HOUR));
    const fresh = await service.generateForBatch(invocationFor('t2'), new Date(NOW.getTime() - HOUR));

    expect(cached.outcome).toBe('from_cache');
    expect(fresh.outcome).toBe('generated');
    expect(model.inputs.map((input) => input.requestType)).toEqual(['insights', 'batch']);
  });

  it("is busy while a user's job for the tenant is active", async () => {
    const { service } = setup();
    await service.list(invocationFor('t1'), firstPage);

    await expect(service.generateForBatch(invocationFor('t1'), new Date(NOW.getTime() + 1))).rejects.toBeInstanceOf(
      ServiceBusyError,
    );
  });
});

describe('dismissals', () => {
  it('records a dismissal for 30 days and hands it to the next generation', async () => {
    const { service, store, rules, advance } = setup({ withModel: false });
    const page = await service.list(invocationFor('t1'), firstPage);
    const target = page.items[0]!;

    const dismissed = await service.setStatus(invocationFor('t1'), target.id, 'dismissed');
    advance(25 * HOUR);
    await service.list(invocationFor('t1'), firstPage);

    expect(dismissed.status).toBe('dismissed');
    const suppressedUntil = new Date('2026-12-21T08:00:00.000Z');
    expect(await store.activeDismissals('t1', new Date(suppressedUntil.getTime() - 1))).toHaveLength(1);
    expect(await store.activeDismissals('t1', suppressedUntil)).toEqual([]);
    expect(rules.inputs[1]?.dismissals).toEqual([{ fingerprint: target.fingerprint, title: target.title }]);
  });

  it('lifts the suppression when a dismissed insight is then acknowledged: the last change wins', async () => {
    const { service, rules, advance } = setup({ withModel: false });
    const page = await service.list(invocationFor('t1'), firstPage);
    const target = page.items[0]!;

    await service.setStatus(invocationFor('t1'), target.id, 'dismissed');
    const acknowledged = await service.setStatus(invocationFor('t1'), target.id, 'acknowledged');
    advance(25 * HOUR);
    const next = await service.list(invocationFor('t1'), firstPage);

    expect(acknowledged.status).toBe('acknowledged');
    expect(rules.inputs[1]?.dismissals).toEqual([]);
    expect(next.items.find((item) => item.id === target.id)?.status).toBe('acknowledged');
  });

  it('keeps a dismissal that lands between the generation reading the set and saving the new one', async () => {
    const { service, store, advance } = setup({ withModel: false });
    const page = await service.list(invocationFor('t1'), firstPage);
    const target = page.items[2]!;
    advance(25 * HOUR);
    const save = store.saveSet.bind(store);
    jest.spyOn(store, 'saveSet').mockImplementationOnce(async (set, replacing) => {
      await service.setStatus(invocationFor('t1'), target.id, 'dismissed');
      return save(set, replacing);
    });

    const next = await service.list(invocationFor('t1'), { ...firstPage, status: 'dismissed' });

    expect(next.generatedAt).not.toBe(page.generatedAt);
    expect(next.items.map((item) => item.fingerprint)).toEqual([target.fingerprint]);
  });
});
