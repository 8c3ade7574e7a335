/**
 * Section 1: latency of a cached `GET /insights`. The `list-insights` handler module is invoked in-process (middy
 * stack, claims, query validation, one consistent GetItem on dynalite, paging, JSON response) and, for reference,
 * through HTTP and the JWT-verifying local server.
 */
import type { LocalStack } from '../local/stack';
import type { Floor } from './floors';
import { routes } from '../functions/routes';
import { lambdaContext } from '../local/lambda-context';
import { gatewayClaims, gatewayEvent } from './local';
import { printTable } from '../local/print-table';
import {
  atMostRatio,
  distribution,
  distributionRow,
  ms,
  printHeading,
  printNotes,
  sample,
  timeOnce,
  verdictLine,
  type TargetResult,
} from './support';

const RUNS = 1000;
const WARMUP = 200;
/** The cached list may cost at most this many GetItem p99s (one GetItem, the middy stack, paging, JSON). */
const MAX_RATIO = 2.5;

/**
 * Measures the cached list for one tenant. Its first, unmeasured call is a miss: it answers the rules' set and queues
 * the job whose model (the fake, answering at once) writes the set every measured call is served.
 */
export const benchCachedList = async (stack: LocalStack, tenantId: string, floor: Floor): Promise<TargetResult[]> => {
  printHeading(`1. Cached GET /insights (tenant ${tenantId}, ${RUNS} sequential calls each)`);
  const token = await stack.mintToken({ tenantId, userId: 'bench-user' });
  const claims = gatewayClaims(token);
  const { handler } = await import('../functions/insights/handlers/list-insights');

  // Bodies are kept and checked after the runs, so the check is not timed.
  const bodies: string[] = [];
  const invoke = async (): Promise<void> => {
    const result = await handler(gatewayEvent(routes.listInsights, token, claims), lambdaContext('listInsights'));
    if (result.statusCode !== 200) throw new Error(`in-process GET /insights: ${result.statusCode} ${result.body}`);
    bodies.push(result.body ?? '');
  };
  const viaHttp = async (): Promise<void> => {
    const response = await fetch(`${stack.url}/insights`, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`HTTP GET /insights: ${response.status} ${body}`);
    bodies.push(body);
  };

  const firstCall = await timeOnce(invoke);
  await stack.workersIdle();
  bodies.length = 0;
  const inProcess = distribution(await sample(RUNS, invoke, WARMUP));
  const overHttp = distribution(await sample(RUNS, viaHttp, WARMUP));
  const served = new Set(
    bodies.map((body) => {
      const { generatedAt, source } = JSON.parse(body) as { generatedAt: string; source: string };
      return `${source} set of ${generatedAt}`;
    }),
  );
  if (served.size !== 1 || ![...served][0]?.startsWith('llm')) {
    throw new Error(`expected every call to be served the model's one cached set, saw ${[...served].join(', ')}`);
  }

  printTable(
    ['path', 'runs', 'p50', 'p95', 'p99', 'max'],
    [distributionRow('handler in-process', inProcess), distributionRow('HTTP via local server (reference)', overHttp)],
  );
  const result = atMostRatio('Cached GET /insights handler p99', inProcess.p99, floor, MAX_RATIO);
  printNotes(
    `First call (a miss: the rules' set via the demo business API, first DynamoDB connection; its job then wrote the`,
    `  model's set): ${ms(firstCall)}, not counted.`,
    `${WARMUP} unmeasured warm-up calls per path; every measured call served the same cached set, the model's.`,
    'Timed in-process: the exported handler (middy stack, claims, zod query parse, GetItem on dynalite, page, JSON body).',
    'Timed over HTTP: fetch + JWT verification (RS256) + event building + the same handler + the response read.',
    verdictLine(result),
  );
  return [result];
};
