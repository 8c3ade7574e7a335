/**
 * Section 5: what the model gateway adds to one model call. `ModelGateway.call` runs against the usage ledger on
 * dynalite with a canned model that answers at once, one call after another for one user of a fresh tenant; each
 * call's gateway time and its model time are measured separately and the overhead is their difference. The prompt
 * is the real `insights_generation` prompt of a demo tenant, so token estimation and complexity scoring see
 * production-sized text.
 */
import type { Floor } from './floors';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { documentClient, promptStore } from '../functions/shared/adapters';
import type { ModelTool } from '../functions/shared/llm/port';
import type { GatewayRequest } from '../functions/shared/usage/gateway';
import { monthOf } from '../functions/shared/usage/ledger';
import { INSIGHTS_TOPIC, renderInsightsPrompt } from '../functions/insights/llm-insight-generator';
import { insightsOutputSchema } from '../functions/insights/model';
import { computeSignals } from '../functions/insights/signals';
import { benchGateway, benchLedger, CannedLanguageModel } from './gateway';
import { benchInvocation, fetchSnapshot } from './local';
import { printTable } from '../local/print-table';
import {
  atMostRatio,
  BusyTime,
  count,
  countRange,
  distribution,
  equals,
  ms,
  printHeading,
  printNotes,
  sample,
  timedMethods,
  verdictLine,
  type TargetResult,
} from './support';

const RUNS = 1000;
const WARMUP = 100;
/** Metering may add at most this many GetItem p99s to a model call: its one round trip (limits ∥ rate count ∥ reservation). */
const MAX_RATIO = 1.5;
const USER_ID = 'bench-user';

/** The ledger's three sequential round trips, in call order; `other` would catch a release or a budget warning. */
const stages = ['limits + rate', 'reserve', 'settle', 'other'] as const;
type Stage = (typeof stages)[number];

const stageOf = (method: string): Stage => {
  if (method === 'limitsOverride' || method === 'countUserRequest') return 'limits + rate';
  if (method === 'reserve' || method === 'settle') return method;
  return 'other';
};

/** A value per stage. */
const byStage = <T>(value: (stage: Stage) => T): Record<Stage, T> =>
  Object.fromEntries(stages.map((stage) => [stage, value(stage)])) as Record<Stage, T>;

/** The timers one call is measured with; reset before each call. */
interface CallTimers {
  readonly model: BusyTime;
  readonly dynamo: BusyTime;
  readonly stages: Record<Stage, BusyTime>;
}

/** What the timers saw during one call. */
interface CallTimes {
  readonly modelMs: number;
  readonly dynamoMs: number;
  readonly requests: number;
  readonly stageMs: Record<Stage, number>;
}

const resetTimers = (timers: CallTimers): void => {
  for (const timer of [timers.model, timers.dynamo, ...Object.values(timers.stages)]) timer.reset();
};

const readTimers = (timers: CallTimers): CallTimes => ({
  modelMs: timers.model.ms,
  dynamoMs: timers.dynamo.ms,
  requests: timers.dynamo.calls,
  stageMs: byStage((stage) => timers.stages[stage].ms),
});

/** A gateway request with a demo tenant's rendered insights prompt, metered to `tenantId`. */
const meteredRequest = async (promptTenantId: string): Promise<Omit<GatewayRequest, 'invocation'>> => {
  const now = new Date();
  const snapshot = await fetchSnapshot(promptTenantId);
  const template = await promptStore().active(INSIGHTS_TOPIC);
  const rendered = renderInsightsPrompt(template, {
    snapshot,
    signals: computeSignals(snapshot, now),
    dismissals: [],
    now,
  });
  const tool: ModelTool = {
    name: 'record_insights',
    description: 'Record the 5-10 coaching insights for this company.',
    inputSchema: z.toJSONSchema(insightsOutputSchema, { io: 'input' }),
  };
  return {
    requestType: 'insights',
    template,
    system: rendered.system,
    messages: [{ role: 'user', text: rendered.user }],
    tool,
    judge: () => 'ok',
  };
};

/** A table row: the label, then p50, p95, p99 and max of `values`. */
const distributionRow = (label: string, values: readonly number[]): string[] => {
  const { p50, p95, p99, max } = distribution(values);
  return [label, ms(p50), ms(p95), ms(p99), ms(max)];
};

/** Gateway overhead per model call for one fresh tenant; the prompt comes from `promptTenantId`'s demo data. */
export const benchMetering = async (promptTenantId: string, floor: Floor): Promise<TargetResult[]> => {
  printHeading(
    `5. Metering overhead per model call: ModelGateway.call minus the model (${count(RUNS)} sequential calls)`,
  );
  const tenantId = `bench-metering-${randomUUID().slice(0, 8)}`;
  const month = monthOf(new Date());
  const timers: CallTimers = { model: new BusyTime(), dynamo: new BusyTime(), stages: byStage(() => new BusyTime()) };
  const ledger = benchLedger(timedMethods(documentClient(), timers.dynamo));
  const model = timedMethods(new CannedLanguageModel('{"insights":[]}'), timers.model);
  const gateway = benchGateway(
    model,
    timedMethods(ledger, (method) => timers.stages[stageOf(method)]),
  );
  const request = await meteredRequest(promptTenantId);

  const calls: CallTimes[] = [];
  const pathMs: number[] = [];
  const settleMs: number[] = [];
  const totalMs = await sample(
    RUNS,
    async () => {
      resetTimers(timers);
      const scope = benchInvocation(tenantId, USER_ID);
      const started = performance.now();
      await gateway.call({ ...request, invocation: scope.invocation });
      const returned = performance.now();
      await scope.settle();
      pathMs.push(returned - started);
      settleMs.push(performance.now() - returned);
      calls.push(readTimers(timers));
    },
    WARMUP,
  );
  const measured = calls.slice(WARMUP);
  const onPath = pathMs.slice(WARMUP);
  const overheadMs = onPath.map((path, i) => path - (measured[i]?.modelMs ?? Number.NaN));
  const overhead = distribution(overheadMs);
  const callsMade = RUNS + WARMUP;
  const rolledUp = (await ledger.month(tenantId, month)).calls;
  const getItemMs = await sample(RUNS, () => ledger.month(tenantId, month), WARMUP);

  printTable(
    ['per call', 'p50', 'p95', 'p99', 'max'],
    [
      distributionRow('ModelGateway.call, until it returns', onPath),
      distributionRow(
        '  canned model call',
        measured.map((call) => call.modelMs),
      ),
      distributionRow('  overhead on the call path = call − model', overheadMs),
      distributionRow('settle after it returns (overlaps the request)', settleMs.slice(WARMUP)),
      distributionRow(
        'all metering work = call + settle − model',
        totalMs.map((total, i) => total - (measured[i]?.modelMs ?? 0)),
      ),
      distributionRow(
        '  DynamoDB (a request in flight)',
        measured.map((call) => call.dynamoMs),
      ),
      ...stages
        .filter((stage) => measured.some((call) => call.stageMs[stage] > 0))
        .map((stage) =>
          distributionRow(
            `      ${stage}`,
            measured.map((call) => call.stageMs[stage]),
          ),
        ),

      distributionRow('one DynamoDB GetItem alone', getItemMs),
    ],
  );
  const results = [
    atMostRatio('Metering overhead per model call p99', overhead.p99, floor, MAX_RATIO),
    equals('Month rollup calls of the metering tenant', rolledUp, callsMade, count),
  ];
  printNotes(
    `DynamoDB requests per call: ${countRange(measured.map((call) => call.requests))}: on the call path, the user rate count and the budget`,
    '  reservation, beside a consistent read of the limits (one round trip); after the call returns, settle: 1 event put +',
    '  3 rollup updates in parallel, tracked as pending writes that the HTTP stack settles before it responds, while',
    '  the request goes on (parsing, grounding, storing the set). The target is the overhead on the call path.',
    'Overhead also covers token estimation and complexity scoring of the prompt, routing and cost estimation.',
    `Tenant ${tenantId} (fresh), one user, limits no call reaches; prompt: insights_generation for ${promptTenantId}.`,
    `${WARMUP} unmeasured warm-up calls. Percentiles are taken per row, so the rows do not add up.`,
    `Correctness: the tenant's ${month} rollup counts ${count(rolledUp)} calls; ${count(callsMade)} were made (warm-up included).`,
    'Last row: the month rollup read (ledger.month, consistent GetItem) on its own, as the latency of one round trip.',
    ...results.map(verdictLine),
  );
  return results;
};
