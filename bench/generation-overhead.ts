/**
 * Section 2: what a generation costs besides the model and the business API. The production refresh path (the API's
 * `InsightsService.refresh` queues a job, the worker's `runJob` runs it with `LlmInsightGenerator` through a real
 * `ModelGateway`; the DynamoDB insight, job and usage stores on dynalite) runs with business data already in memory
 * and a language model that answers a canned, grounded answer instantly.
 */
import type { Floor } from './floors';
import { insightsConfig } from '../functions/insights/config';
import type { BusinessSnapshot } from '../functions/shared/business-api/model';
import { documentClient, promptStore } from '../functions/shared/adapters';
import { parseModelOutput } from '../functions/shared/llm/output-repair';
import type { MetricsRecorder } from '../functions/shared/observability';
import { renderPrompt } from '../functions/shared/prompts/render';
import type { PromptTemplate } from '../functions/shared/prompts/template';
import { checkGrounding, normalizeInsightsOutput } from '../functions/insights/grounding';
import { INSIGHTS_TOPIC, LlmInsightGenerator } from '../functions/insights/llm-insight-generator';
import { insightsOutputSchema, MAX_INSIGHTS, MIN_INSIGHTS } from '../functions/insights/model';
import { insightPromptValues } from '../functions/insights/prompt-context';
import { generateRuleInsights } from '../functions/insights/rules-generator';
import { InsightsService } from '../functions/insights/service';
import { computeSignals } from '../functions/insights/signals';
import { DynamoInsightStore } from '../functions/insights/store';
import { RulesInsightGenerator } from '../functions/insights/rules-insight-generator';
import { jobMessageSchema } from '../functions/shared/jobs/model';
import { MemoryQueue } from '../functions/shared/jobs/memory-queue';
import { DynamoJobStore } from '../functions/shared/jobs/store';
import { config } from '../functions/shared/config';
import { benchGateway, benchLedger, CannedLanguageModel, cannedResponse } from './gateway';
import { fetchSnapshot, InMemoryBusinessData, benchInvocation } from './local';
import { printTable } from '../local/print-table';
import {
  atMostRatio,
  BusyTime,
  countRange,
  distribution,
  ms,
  printHeading,
  printNotes,
  RoundTrips,
  sample,
  timedMethods,
  verdictLine,
  type TargetResult,
} from './support';

const RUNS = 200;
const WARMUP = 20;
const STEP_RUNS = 200;
const STEP_WARMUP = 20;

/** Counts metrics instead of emitting EMF, so the runs can be checked (every one `ModelOutcome_ok`). */
class CountingMetrics implements MetricsRecorder {
  readonly totals = new Map<string, number>();

  addMetric(name: string, _unit: unknown, value: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }
}

/** A grounded model answer: the rules generator's drafts for the snapshot, as the model's tool input. */
const groundedAnswer = (snapshot: BusinessSnapshot, now: Date): string => {
  const drafts = generateRuleInsights(snapshot, computeSignals(snapshot, now), now).slice(0, MAX_INSIGHTS);
  if (drafts.length < MIN_INSIGHTS)
    throw new Error(`only ${drafts.length} rule drafts; the answer needs ${MIN_INSIGHTS}`);
  return JSON.stringify({ insights: drafts });
};

/** p50 of the CPU-bound steps of one generation, each measured on its own. */
const stepTimes = async (
  snapshot: BusinessSnapshot,
  template: PromptTemplate,
  answerJson: string,
): Promise<Record<'signals' | 'prompt' | 'parse' | 'grounding' | 'rules', number>> => {
  const now = new Date();
  const signals = computeSignals(snapshot, now);
  const drafts = (JSON.parse(answerJson) as { insights: Parameters<typeof checkGrounding>[0] }).insights;
  const p50 = async (step: () => unknown): Promise<number> =>
    distribution(await sample(STEP_RUNS, async () => step(), STEP_WARMUP)).p50;
  return {
    signals: await p50(() => computeSignals(snapshot, now)),
    prompt: await p50(() => renderPrompt(template, insightPromptValues(snapshot, signals, [], now))),
    parse: await p50(() =>
      parseModelOutput(insightsOutputSchema, cannedResponse(answerJson), { normalize: normalizeInsightsOutput }),
    ),
    grounding: await p50(() => checkGrounding(drafts, snapshot, signals)),
    rules: await p50(() => generateRuleInsights(snapshot, signals, now)),
  };
};

/** Times full generations for each tenant; the target is checked against the worst tenant's p50 and p99. */
export const benchGeneration = async (tenants: readonly string[], floor: Floor): Promise<TargetResult[]> => {
  printHeading(`2. Generation overhead without the model and the business API (${RUNS} runs per tenant)`);
  const cfg = insightsConfig();
  const client = documentClient();
  const template = await promptStore().active(INSIGHTS_TOPIC);
  const totals: string[][] = [];
  const steps: string[][] = [];
  let worstP99 = 0;
  let roundTrips = 0;

  for (const tenantId of tenants) {
    const snapshot = await fetchSnapshot(tenantId);
    const answerJson = groundedAnswer(snapshot, new Date());
    const metrics = new CountingMetrics();
    const dynamo = new BusyTime();
    const trips = new RoundTrips();
    const timedClient = trips.counting(timedMethods(client, dynamo));
    const gateway = benchGateway(new CannedLanguageModel(answerJson), benchLedger(timedClient));
    const queue = new MemoryQueue({ visibilityTimeoutSeconds: 300, maxReceiveCount: 3 });
    const service = new InsightsService({
      store: new DynamoInsightStore(timedClient, cfg.INSIGHTS_TABLE),
      jobs: new DynamoJobStore(timedClient, config().JOBS_TABLE),
      queue,
      businessData: new InMemoryBusinessData(snapshot),
      rules: new RulesInsightGenerator(),
      model: new LlmInsightGenerator(promptStore(), gateway, metrics),
      metrics,
      clock: () => new Date(),
      settings: {
        ttlHours: 24,
        refreshCooldownSeconds: 0,
        dismissSuppressionDays: 30,
        jobHoldSeconds: 900,
        retryFailedAfterSeconds: 300,
        jobMaxAttempts: 3,
      },
    });

    const dynamoPerRun: number[] = [];
    const requestsPerRun: number[] = [];
    const tripsPerRun: number[] = [];
    const runs = distribution(
      await sample(
        RUNS,
        async () => {
          // Each run is its own invocation with its own deadline, as each request and each job delivery is.
          const scope = benchInvocation(tenantId, 'bench-user');
          dynamo.reset();
          trips.reset();
          await service.refresh(scope.invocation);
          const [record] = queue.receive(1);
          if (!record) throw new Error(`${tenantId}: the refresh queued no job`);
          const outcome = await service.runJob(scope.invocation, jobMessageSchema.parse(JSON.parse(record.body)));
          if (outcome !== 'done') throw new Error(`${tenantId}: the job ended ${outcome}`);
          queue.delete(record.messageId);
          await scope.settle();
          dynamoPerRun.push(dynamo.ms);
          requestsPerRun.push(dynamo.calls);
          tripsPerRun.push(trips.count);
        },
        WARMUP,
      ),
    );
    const okRuns = metrics.totals.get('ModelOutcome_ok') ?? 0;
    if (okRuns !== RUNS + WARMUP || (metrics.totals.get('UngroundedInsights') ?? 0) > 0) {
      throw new Error(`${tenantId}: the canned answer was not taken as is: ${JSON.stringify([...metrics.totals])}`);
    }
    const dynamoMs = distribution(dynamoPerRun.slice(WARMUP)).p50;
    worstP99 = Math.max(worstP99, runs.p99);
    roundTrips = Math.max(roundTrips, ...tripsPerRun);
    totals.push([tenantId, String(runs.runs), ms(runs.p50), ms(runs.p95), ms(runs.p99), ms(runs.max)]);

    const step = await stepTimes(snapshot, template, answerJson);
    steps.push([
      tenantId,
      ms(step.signals),
      ms(step.prompt),
      ms(step.parse),
      ms(step.grounding),
      ms(step.rules),
      ms(dynamoMs),
      countRange(requestsPerRun.slice(WARMUP)),
      countRange(tripsPerRun.slice(WARMUP)),
    ]);
  }

  printTable(['tenant', 'runs', 'p50', 'p95', 'p99', 'max'], totals);
  process.stdout.write(
    '\n  Where the time goes (p50; CPU steps timed on their own; DynamoDB = time with a store or ledger request in flight):\n',
  );
  printTable(
    [
      'tenant',
      'signals',
      'prompt values+render',
      'output parse',
      'grounding',
      'rule drafts',
      'DynamoDB',
      'requests/run',
      'round trips',
    ],
    steps,
  );
  // Within the round trips it needs: at most one GetItem p99 per sequential DynamoDB round trip, CPU work included.
  const results = [
    atMostRatio(
      `Generation overhead p99 (worst tenant; ${roundTrips} sequential round trips)`,
      worstP99,
      floor,
      roundTrips,
    ),
  ];
  printNotes(
    'Included: refresh cooldown claim (conditional put), job start (conditional slot put + job put), job queued (in',
    '  memory), job claim (job and slot reads, conditional put, slot update), current set read, dismissals query,',
    '  signals, prompt template (cached store), prompt values + render, the canned tool answer decoded from JSON,',
    '  output extraction/normalization/zod validation (the repair check), grounding check, rule drafts (top-up),',
    '  finalize, set write (put), job finish (read, conditional put, slot update); the model gateway: limits read, user rate count',
    '  and budget reservation (conditional ADD) in parallel, routing, settle: 1 event put + 4 rollup updates (in',
    '  parallel). Round trips: requests in flight together count once (counted per run, the most taken as the target).',
    'Excluded: the business API (prefetched), model latency, the handler and response, log output (SILENT), EMF.',
    `Every run took the model answer as is (outcome ok, 0 ungrounded). ${WARMUP} unmeasured warm-up runs per tenant.`,
    ...results.map(verdictLine),
  );
  return results;
};
