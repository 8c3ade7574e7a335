/**
 * Section 14: the overhead of an analysis excluding the model. `POST /analyses/strategy-alignment` for a demo tenant,
 * the `run-analysis` handler module invoked in-process (middy stack, claims, body parsing, two .NET sources from the
 * demo API, pre-computation, the template, the gateway's metering on dynalite, output validation with the type's
 * checks, the stored analysis) against the bench's fake Bedrock answering at once with a valid analysis (the type's
 * own offline answer for that tenant). The model's share is the fake's loopback call, so the figure is an upper
 * bound of the overhead. Target: p99 at most 30 ms.
 */
import { routes } from '../functions/routes';
import { strategyAlignmentAnalysis as definition } from '../functions/analyses/types/strategy-alignment';
import { dayOf } from '../functions/shared/metrics/tenant-trends';
import type { FakeBedrock } from '../local/fake-bedrock';
import type { LocalStack } from '../local/stack';
import { lambdaContext } from '../local/lambda-context';
import { printTable } from '../local/print-table';
import type { Floor } from './floors';
import { fetchSnapshot, gatewayClaims, gatewayEvent } from './local';
import {
  atMost,
  distribution,
  distributionRow,
  info,
  ms,
  printHeading,
  printNotes,
  sample,
  verdictLine,
  type TargetResult,
} from './support';

const RUNS = 300;
const WARMUP = 30;
/** The target for the analysis overhead excluding the model. */
const MAX_P99_MS = 30;

/** Times the analysis handler with an instant model, and reports it with the GetItem floor beside it. */
export const benchAnalysisOverhead = async (
  stack: LocalStack,
  bedrock: FakeBedrock,
  tenantId: string,
  floor: Floor,
): Promise<TargetResult[]> => {
  printHeading(`14. POST /analyses/strategy-alignment overhead, model excluded (${RUNS} sequential calls)`);
  const snapshot = await fetchSnapshot(tenantId);
  const now = new Date();
  const context = {
    request: {},
    snapshot,
    history: [],
    entities: { goals: [], components: [] },
    now,
    today: dayOf(now),
  };
  const answer = definition.offline(context, definition.precompute(context));
  // One user per call: a user's request rate (30 a minute) would otherwise stop the run.
  const users = await Promise.all(
    Array.from({ length: RUNS + WARMUP }, async (_, i) => {
      const token = await stack.mintToken({ tenantId, userId: `bench-analyst-${i}` });
      return { token, claims: gatewayClaims(token) };
    }),
  );
  const { handler } = await import('../functions/analyses/handlers/run-analysis');
  let call = 0;
  const invoke = async (): Promise<void> => {
    bedrock.enqueue({ toolInput: answer });
    const { token, claims } = users[call++ % users.length] as (typeof users)[number];
    const event = gatewayEvent(routes.runAnalysis, token, claims);
    const result = await handler(
      {
        ...event,
        rawPath: '/analyses/strategy-alignment',
        pathParameters: { id: 'strategy-alignment' },
        headers: { ...event.headers, 'content-type': 'application/json' },
        body: '{}',
      },
      lambdaContext('runAnalysis'),
    );
    const body = JSON.parse(result.body ?? '{}') as { provenance?: { outcome?: string } };
    if (result.statusCode !== 200 || body.provenance?.outcome !== 'ok') {
      throw new Error(`POST /analyses/strategy-alignment: ${result.statusCode} ${result.body}`);
    }
  };
  const runs = distribution(await sample(RUNS, invoke, WARMUP));
  printTable(['path', 'runs', 'p50', 'p95', 'p99', 'max'], [distributionRow('analysis handler in-process', runs)]);
  const results = [
    atMost('analysis overhead excluding the model p99', runs.p99, MAX_P99_MS, ms),
    info(
      `analysis overhead p99 in GetItem floors (${floor.name} ${ms(floor.value)})`,
      `${(runs.p99 / floor.value).toFixed(1)}x`,
    ),
  ];
  printNotes(
    `Every call was answered by the model (outcome ok) and stored; the model is the fake's instant loopback answer.`,
    ...results.map(verdictLine),
  );
  return results;
};
