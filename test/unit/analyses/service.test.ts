import { AnalysesService } from '../../../functions/analyses/service';
import { InMemoryAnalysisStore } from '../../../functions/analyses/store';
import { MemoryQueue } from '../../../functions/shared/jobs/memory-queue';
import type { JobMessage } from '../../../functions/shared/jobs/model';
import { InMemoryJobStore } from '../../../functions/shared/jobs/store';
import type { LanguageModel } from '../../../functions/shared/llm/port';
import { InMemoryMetricHistory } from '../../../functions/shared/metrics/store';
import type { PromptTemplate } from '../../../functions/shared/prompts/template';
import { InMemoryUsageLedger } from '../../../functions/shared/usage/in-memory-usage-ledger';
import { ANALYSIS_NOW } from '../../support/analysis-context';
import { demoSnapshot } from '../../support/demo-snapshot';
import { FixedBusinessData } from '../../support/fakes';
import { FakeLanguageModel, HANG } from '../../support/fake-language-model';
import { testInvocation } from '../../support/invocation';
import { testGateway } from '../../support/usage-fakes';

const TENANT = 'brightside-dental';

/** An analysis template: the four variables every type's prompt takes. */
const template = (topic: string): PromptTemplate => ({
  topic,
  version: 'v1.0',
  phase: 'analysis',
  metadata: { title: topic, description: 'test', category: 'analysis', tags: [] },
  system_prompt: 'You analyse a business.',
  user_prompt_template: 'Today {{today}}\nREQUEST {{request}}\n{{business}}\nFACTS {{facts}}',
  variables: ['today', 'request', 'business', 'facts'],
  output_schema: topic,
  model: { id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', temperature: 0.2, max_tokens: 2048 },
  is_active: true,
  created_at: '2026-12-01T00:00:00Z',
  created_by: 'test',
});

const alignment = (score: number, reason: string) => ({
  goals: ['301', '302', '304', '305'].map((goalId) => ({
    goalId,
    title: `Goal ${goalId}`,
    score,
    reason,
    gap: 'A gap',
  })),
  overallScore: score,
  recommendations: ['One step', 'Two steps', 'Three steps'],
});

const setup = (model: LanguageModel, syncBudgetMs = 20_000) => {
  const store = new InMemoryAnalysisStore();
  const jobs = new InMemoryJobStore();
  const queue = new MemoryQueue<JobMessage>({ visibilityTimeoutSeconds: 300, maxReceiveCount: 3 });
  const ledger = new InMemoryUsageLedger();
  const clock = () => new Date();
  const service = new AnalysesService({
    store,
    businessData: new FixedBusinessData((tenantId) => ({ ...demoSnapshot(TENANT, ANALYSIS_NOW), tenantId })),
    history: new InMemoryMetricHistory(),
    model: { prompts: { active: async (topic) => template(topic) }, gateway: testGateway(model, ledger, clock) },
    jobs,
    queue,
    clock,
    settings: { ttlDays: 90, syncBudgetMs, timeZone: 'UTC', jobHoldSeconds: 900 },
  });
  return { service, store, jobs, queue, ledger };
};

const as = (tenantId = TENANT) => testInvocation({ tenantId }).invocation;

describe('AnalysesService with a model', () => {
  it('stores a valid answer with its provenance, metered as an analysis', async () => {
    const model = new FakeLanguageModel(() => ({ toolInput: alignment(60, 'Serves the reach theme of the vision') }));
    const { service, store, ledger } = setup(model);

    const { status, analysis } = await service.analyze(as(), 'strategy-alignment', {});

    expect(status).toBe(200);
    expect(analysis.provenance).toMatchObject({
      promptTopic: 'analysis_strategy_alignment',
      templateVersion: 'v1.0',
      modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      outcome: 'ok',
    });
    expect(await store.get(TENANT, analysis.id, new Date())).toMatchObject({ status: 'done' });
    expect(ledger.events().map((event) => event.requestType)).toEqual(['analysis']);
    expect(model.calls[0]?.request.tool.name).toBe('record_strategy_alignment');
    expect(model.calls[0]?.request.messages[0]?.text).toContain('[301] Add 400 new patients');
  });

  it('asks once more, naming the inconsistency, and stores the repaired answer as repaired', async () => {
    const answers = [alignment(90, 'Not aligned with the vision at all'), alignment(65, 'Serves the vision')];
    const model = new FakeLanguageModel(() => ({ toolInput: answers.shift() }));
    const { service } = setup(model);

    const { analysis } = await service.analyze(as(), 'strategy-alignment', {});

    expect(analysis.provenance?.outcome).toBe('repaired');
    expect(analysis.result).toMatchObject({ overallScore: 65 });
    expect(model.calls.at(-1)?.request.messages.at(-1)?.text).toContain('score_contradicts_reason');
  });

  it('answers 502 model_output_invalid when the answer stays inconsistent, and stores nothing', async () => {
    const model = new FakeLanguageModel(() => ({ toolInput: alignment(95, 'Not aligned with anything') }));
    const { service, store } = setup(model);

    await expect(service.analyze(as(), 'strategy-alignment', {})).rejects.toMatchObject({
      code: 'model_output_invalid',
    });
    expect((await store.list(TENANT, { pageSize: 10 }, new Date())).items).toEqual([]);
    expect(model.calls).toHaveLength(2);
  });

  it('hands a model slower than the sync budget to a job (202), which the worker finishes', async () => {
    let hang = true;
    const model = new FakeLanguageModel(() => (hang ? HANG : { toolInput: alignment(55, 'Serves the vision') }));
    const { service, queue, store } = setup(model, 100);

    const { status, analysis } = await service.analyze(as(), 'strategy-alignment', {});
    const [received] = queue.receive(10);
    hang = false;
    const outcome = await service.runJob(
      testInvocation({ tenantId: TENANT, isService: true }).invocation,
      JSON.parse(received!.body) as JobMessage,
    );
    const again = await service.runJob(
      testInvocation({ tenantId: TENANT, isService: true }).invocation,
      JSON.parse(received!.body) as JobMessage,
    );

    expect(status).toBe(202);
    expect(analysis).toMatchObject({ status: 'pending', jobId: analysis.id });
    expect(outcome).toBe('done');
    expect(again).toBe('skipped');
    expect(await store.get(TENANT, analysis.id, new Date())).toMatchObject({
      status: 'done',
      result: { overallScore: 55 },
      provenance: { outcome: 'ok' },
    });
  });

  it('fails the analysis (with the reason) when the job cannot use the model either', async () => {
    const model = new FakeLanguageModel(() => HANG);
    const { service, queue, store } = setup(model, 50);

    const { analysis } = await service.analyze(as(), 'strategy-alignment', {});
    const [received] = queue.receive(10);
    const worker = testInvocation({ tenantId: TENANT, isService: true, budgetMs: 80 }).invocation;
    const outcome = await service.runJob(worker, JSON.parse(received!.body) as JobMessage);

    expect(outcome).toBe('failed');
    expect(await store.get(TENANT, analysis.id, new Date())).toMatchObject({
      status: 'failed',
      reason: 'model_timeout',
    });
  });

  it('answers a fast type (intent) in the request, never as a job', async () => {
    const model = new FakeLanguageModel(() => HANG);
    const { service, queue } = setup(model, 50);

    await expect(
      service.analyze(testInvocation({ tenantId: TENANT, budgetMs: 120 }).invocation, 'intent', { message: 'Why?' }),
    ).rejects.toMatchObject({ code: 'model_timeout' });
    expect(queue.receive(10)).toEqual([]);
  });

  it('refuses an entity the message does not contain, then stores the corrected intent', async () => {
    const answers = [
      { intent: 'billing', confidence: 0.9, entities: ['refund'], suggestedActions: ['Open billing'] },
      { intent: 'billing', confidence: 0.9, entities: ['invoice'], suggestedActions: ['Open billing'] },
    ];
    const model = new FakeLanguageModel(() => ({ toolInput: answers.shift() }));
    const { service } = setup(model);

    const { analysis } = await service.analyze(as(), 'intent', { message: 'My invoice is wrong' });

    expect(analysis.result).toMatchObject({ entities: ['invoice'] });
    expect(analysis.provenance?.outcome).toBe('repaired');
  });
});

describe('AnalysesService feedback', () => {
  it('takes feedback only on a finished analysis', async () => {
    const { service } = setup(new FakeLanguageModel(() => HANG), 50);
    const { analysis } = await service.analyze(as(), 'strategy-alignment', {});

    await expect(service.feedback(as(), analysis.id, { thumbs: 'up' })).rejects.toMatchObject({
      code: 'validation_error',
    });
  });
});
