/**
 * Section 12: latency of `GET /metrics/trends` on a 400-day history. The `get-metric-trends` handler module is invoked
 * in-process (middy stack, claims, one Query of the trend window and one GetItem of the entity names on dynalite, the
 * statistics, the zod-typed JSON response), as a ratio to the p99 of a bare Query of the same days measured alongside.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { routes } from '../functions/routes';
import { documentClient, metricHistory } from '../functions/shared/adapters';
import { config } from '../functions/shared/config';
import { tenantKey } from '../functions/shared/dynamo/tables';
import { seriesKey } from '../functions/shared/metrics/model';
import { dayOf, TREND_HISTORY_DAYS } from '../functions/shared/metrics/tenant-trends';
import { daysBefore } from '../functions/shared/metrics/trends';
import type { LocalStack } from '../local/stack';
import { lambdaContext } from '../local/lambda-context';
import { printTable } from '../local/print-table';
import { gatewayClaims, gatewayEvent } from './local';
import {
  atMostRatio,
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

const RUNS = 1000;
const WARMUP = 100;
const HISTORY_DAYS = 400;
const GOALS = 12;
const COMPONENTS = ['Revenue vs plan', 'Customer satisfaction', 'First-time fix rate', 'Technician utilization'];
const TENANT = 'bench-metric-trends';
/** The trends may cost at most this many Query p99s (the Query, a GetItem beside it, the statistics, JSON). */
const MAX_RATIO = 2.5;
/**
 * The issue's absolute target on a developer machine; printed for reference only, since on a shared, loaded machine
 * the Query floor alone can exceed it (the ratio is the verdict).
 */
const ABSOLUTE_P99_MS = 30;

/** A deterministic day of the bench tenant's history: every headline metric, each component and goal. */
const dayValues = (i: number): Record<string, number> => {
  const wave = Math.sin(i / 9) * 4;
  return {
    overallScore: 60 + wave - (i > HISTORY_DAYS - 30 ? (i - HISTORY_DAYS + 30) * 0.5 : 0),
    completionRate: 40 + i / 20,
    atRisk: 2 + (i % 3),
    behindSchedule: 3 + (i % 2),
    openIssues: 5 + (i % 4),
    criticalIssues: i % 2,
    overdueActions: 4 + (i % 5),
    ...Object.fromEntries(COMPONENTS.map((name, c) => [seriesKey('componentScore', name), 50 + c * 5 + wave])),
    ...Object.fromEntries(
      Array.from({ length: GOALS }, (_, g) => [seriesKey('goalProgress', `G-${g}`), Math.min(100, (i * (g + 1)) / 20)]),
    ),
  };
};

/** Seeds 400 days, then times the trends handler against a bare Query of the same window. */
export const benchMetricTrends = async (stack: LocalStack): Promise<TargetResult[]> => {
  printHeading(`12. GET /metrics/trends on a ${HISTORY_DAYS}-day history (${RUNS} sequential calls)`);
  const history = metricHistory();
  const now = new Date();
  const today = dayOf(now);
  const expiresAt = Math.floor(now.getTime() / 1000) + 400 * 86_400;
  for (let i = 0; i < HISTORY_DAYS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, HISTORY_DAYS - i) }, (_, k) =>
        history.record(TENANT, daysBefore(today, HISTORY_DAYS - 1 - (i + k)), dayValues(i + k), expiresAt),
      ),
    );
  }
  await history.saveEntities(
    TENANT,
    {
      goals: Array.from({ length: GOALS }, (_, g) => ({ id: `G-${g}`, title: `Goal ${g}`, targetDate: '2027-06-30' })),
      components: COMPONENTS,
    },
    expiresAt,
  );

  const client = documentClient();
  const query = () =>
    client.send(
      new QueryCommand({
        TableName: config().METRIC_HISTORY_TABLE,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': tenantKey(TENANT),
          ':from': `DAY#${daysBefore(today, TREND_HISTORY_DAYS)}`,
          ':to': `DAY#${today}`,
        },
      }),
    );
  const token = await stack.mintToken({ tenantId: TENANT, userId: 'bench-user' });
  const claims = gatewayClaims(token);
  const { handler } = await import('../functions/metrics/handlers/get-metric-trends');
  let last = '';
  const invoke = async (): Promise<void> => {
    const result = await handler(gatewayEvent(routes.getMetricTrends, token, claims), lambdaContext('getMetricTrends'));
    if (result.statusCode !== 200) throw new Error(`GET /metrics/trends: ${result.statusCode} ${result.body}`);
    last = result.body ?? '';
  };

  const floorRuns = distribution(await sample(RUNS, query, WARMUP));
  const trends = distribution(await sample(RUNS, invoke, WARMUP));
  const report = JSON.parse(last) as { historyDays: number; overall?: unknown; goalPace: unknown[] };
  if (report.historyDays < TREND_HISTORY_DAYS || !report.overall) {
    throw new Error(`expected a full trend report, got ${last.slice(0, 200)}`);
  }
  const floor = { name: `Query p99 (${TREND_HISTORY_DAYS + 1} days)`, value: floorRuns.p99 };
  printTable(
    ['path', 'runs', 'p50', 'p95', 'p99', 'max'],
    [
      distributionRow(`Query of ${TREND_HISTORY_DAYS + 1} day items (floor)`, floorRuns),
      distributionRow('trends handler in-process', trends),
    ],
  );
  const results = [
    atMostRatio('GET /metrics/trends handler p99', trends.p99, floor, MAX_RATIO),
    info(`GET /metrics/trends handler p99 (absolute; ${ms(ABSOLUTE_P99_MS)} on an idle machine)`, ms(trends.p99)),
  ];
  printNotes(
    `${HISTORY_DAYS} days seeded (${Object.keys(dayValues(0)).length} series a day); the report reads the last ${TREND_HISTORY_DAYS}.`,
    `Every call answered the full report (${report.goalPace.length} goal paces, the overall change and its drivers).`,
    ...results.map(verdictLine),
  );
  return results;
};
