/**
 * Section 12: `GET /metrics/trends` on a long history. The handler module is invoked in-process (middy stack, claims,
 * one Query of the last 90 days and one GetItem of the names on dynalite, every trend statistic, JSON response) for a
 * tenant with 400 days of history: the headline metrics, 5 components and 20 goals a day.
 */
import { metricHistory } from '../functions/shared/adapters';
import { seriesKey } from '../functions/shared/metrics/model';
import { daysBefore } from '../functions/shared/metrics/trends';
import { routes } from '../functions/routes';
import { lambdaContext } from '../local/lambda-context';
import { printTable } from '../local/print-table';
import type { LocalStack } from '../local/stack';
import type { Floor } from './floors';
import { gatewayClaims, gatewayEvent } from './local';
import {
  atMost,
  atMostRatio,
  distribution,
  distributionRow,
  ms,
  printHeading,
  printNotes,
  sample,
  verdictLine,
  type TargetResult,
} from './support';

const RUNS = 500;
const WARMUP = 100;
const HISTORY_DAYS = 400;
const GOALS = 20;
const COMPONENTS = ['Revenue', 'Customers', 'Operations', 'People', 'KPIs'];
/** The issue's target, and the ratio to the GetItem floor it comes to on a quiet machine. */
const TARGET_MS = 30;
const MAX_RATIO = 6;

/** Writes a 400-day history for the bench tenant: a score that falls for a month, goals moving at their own pace. */
const seedHistory = async (tenantId: string): Promise<void> => {
  const today = new Date().toISOString().slice(0, 10);
  const store = metricHistory();
  const expiresAt = Math.floor(Date.now() / 1000) + 86_400;
  await store.saveEntities(
    tenantId,
    {
      goals: Array.from({ length: GOALS }, (_, g) => ({
        id: `g${g}`,
        title: `Goal ${g}`,
        targetDate: daysBefore(today, -90),
      })),
      components: COMPONENTS,
    },
    expiresAt,
  );
  for (let day = HISTORY_DAYS; day >= 1; day -= 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => day - i).map((daysAgo) => {
        const values: Record<string, number> = {
          overallScore: 60 + Math.min(daysAgo, 30) * 0.4 + (daysAgo % 3) * 0.3,
          openIssues: 4 + (daysAgo % 5),
          overdueActions: 2 + (daysAgo % 4),
          completionRate: 40 - daysAgo * 0.02,
          atRisk: 2,
          behindSchedule: 1,
        };
        COMPONENTS.forEach(
          (name, c) => (values[seriesKey('componentScore', name)] = 50 + c * 5 + Math.min(daysAgo, 30) * 0.2 * c),
        );
        for (let g = 0; g < GOALS; g += 1)
          values[seriesKey('goalProgress', `g${g}`)] = Math.max(0, 80 - daysAgo * (g % 4) * 0.1);
        return store.record(tenantId, daysBefore(today, daysAgo), values, expiresAt);
      }),
    );
  }
};

/** Measures the trends route for a tenant with a long history. */
export const benchMetricTrends = async (stack: LocalStack, floor: Floor): Promise<TargetResult[]> => {
  const tenantId = 'bench-metric-history';
  printHeading(
    `12. GET /metrics/trends (${HISTORY_DAYS} days of history, ${GOALS} goals, in-process handler, ${RUNS} calls)`,
  );
  await seedHistory(tenantId);
  const token = await stack.mintToken({ tenantId, userId: 'bench-user' });
  const claims = gatewayClaims(token);
  const { handler } = await import('../functions/metrics/handlers/get-metric-trends');
  let body = '';
  const invoke = async (): Promise<void> => {
    const result = await handler(gatewayEvent(routes.getMetricTrends, token, claims), lambdaContext('getMetricTrends'));
    if (result.statusCode !== 200) throw new Error(`GET /metrics/trends: ${result.statusCode} ${result.body}`);
    body = result.body ?? '';
  };
  const trends = distribution(await sample(RUNS, invoke, WARMUP));
  const report = JSON.parse(body) as { historyDays: number; goalPace: unknown[]; overall?: unknown };
  if (report.historyDays !== 90 || report.goalPace.length === 0 || !report.overall) {
    throw new Error(`expected a 90-day report with goal paces and an overall change, got ${body.slice(0, 300)}`);
  }
  printTable(['path', 'runs', 'p50', 'p95', 'p99', 'max'], [distributionRow('handler in-process', trends)]);
  const results = [
    atMost('GET /metrics/trends p99 (400-day history)', trends.p99, TARGET_MS, ms),
    atMostRatio('GET /metrics/trends p99 vs the GetItem floor', trends.p99, floor, MAX_RATIO),
  ];
  printNotes(
    `The route reads the last 90 days (one Query) and the goal and component names (one GetItem), then computes every`,
    `  statistic: ${report.goalPace.length} goal paces with Theil-Sen fits, robust z-scores over 60 days, new trends.`,
    ...results.map(verdictLine),
  );
  return results;
};
