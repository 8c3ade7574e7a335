import { UnprocessableError, ValidationError, type FieldProblem } from '../shared/errors';
import type { Invocation } from '../shared/invocation';
import { isEntityMetric, metricNames, seriesKey, type MetricName } from '../shared/metrics/model';
import type { MetricHistoryStore } from '../shared/metrics/store';
import { dayOf, storedTrends } from '../shared/metrics/tenant-trends';
import { daysBefore, daysBetween, type TrendReport } from '../shared/metrics/trends';
import { MAX_HISTORY_RANGE_DAYS, type HistoryQuery, type ImportBody } from './model';

/** What the metric routes depend on. */
export interface MetricsDependencies {
  readonly history: MetricHistoryStore;
  readonly retentionDays: number;
  readonly clock: () => Date;
  /** The deployment's calendar (`INSIGHTS_TIME_ZONE`): what "today" is for imports, ranges and trends. */
  readonly timeZone: string;
}

/** How many days an import writes at once. */
const WRITE_CONCURRENCY = 16;
const DEFAULT_HISTORY_DAYS = 90;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ENTITY_ID_MAX = 200;

const isRealDate = (date: string): boolean =>
  DATE.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;

/** One import row checked: its problems, or the series it sets. */
const checkRow = (
  row: ImportBody['points'][number],
  today: string,
  oldest: string,
): { problems: string[]; date: string; key?: string; value?: number } => {
  const problems: string[] = [];
  if (!isRealDate(row.date)) problems.push(`date ${JSON.stringify(row.date)} is not a calendar day (YYYY-MM-DD)`);
  else if (row.date > today) problems.push(`date ${row.date} is in the future`);
  else if (row.date < oldest) problems.push(`date ${row.date} is older than the history keeps (${oldest})`);
  const metric = (metricNames as readonly string[]).includes(row.metric) ? (row.metric as MetricName) : undefined;
  if (!metric) problems.push(`metric ${JSON.stringify(row.metric)} is not one of ${metricNames.join(', ')}`);
  const { entityId } = row;
  if (metric && isEntityMetric(metric) && (typeof entityId !== 'string' || entityId.trim() === '')) {
    problems.push(`metric ${metric} needs an entityId`);
  } else if (metric && !isEntityMetric(metric) && entityId !== undefined) {
    problems.push(`metric ${metric} is not about one entity: leave entityId out`);
  } else if (typeof entityId === 'string' && entityId.length > ENTITY_ID_MAX) {
    problems.push(`entityId is longer than ${ENTITY_ID_MAX} characters`);
  }
  if (typeof row.value !== 'number' || !Number.isFinite(row.value)) problems.push('value is not a finite number');
  if (problems.length > 0 || !metric) return { problems, date: row.date };
  return {
    problems,
    date: row.date,
    key: seriesKey(metric, typeof entityId === 'string' ? entityId : undefined),
    value: row.value as number,
  };
};

/** The metric history's use cases: backfill by a platform admin, and the tenant's series and trends. */
export class MetricsService {
  constructor(private readonly deps: MetricsDependencies) {}

  /**
   * Imports a tenant's history: every row is checked (a 422 names every bad one, and nothing is written); then each
   * day's series are set field by field, so importing the same points again changes nothing and what a snapshot
   * wrote for other series of a day stays.
   */
  async importPoints(
    invocation: Invocation,
    tenantId: string,
    body: ImportBody,
  ): Promise<{ imported: number; days: number }> {
    const now = this.deps.clock();
    const today = dayOf(now, this.deps.timeZone);
    const oldest = daysBefore(today, this.deps.retentionDays - 1);
    const problems: FieldProblem[] = [];
    const byDay = new Map<string, Record<string, number>>();
    const seen = new Map<string, number>();
    body.points.forEach((row, i) => {
      const field = `body.points[${i}]`;
      const checked = checkRow(row, today, oldest);
      checked.problems.forEach((message) => problems.push({ field, message }));
      if (checked.key === undefined || checked.value === undefined) return;
      const identity = `${checked.date} ${checked.key}`;
      const first = seen.get(identity);
      if (first !== undefined) {
        problems.push({ field, message: `repeats body.points[${first}] (the same date, metric and entity)` });
        return;
      }
      seen.set(identity, i);
      byDay.set(checked.date, { ...byDay.get(checked.date), [checked.key]: checked.value });
    });
    if (problems.length > 0) {
      throw new UnprocessableError(`${problems.length} problem(s) in the points; nothing was imported`, problems);
    }
    const days = [...byDay];
    for (let i = 0; i < days.length; i += WRITE_CONCURRENCY) {
      await Promise.all(
        days
          .slice(i, i + WRITE_CONCURRENCY)
          .map(([date, values]) => this.deps.history.record(tenantId, date, values, this.expiryOf(date))),
      );
    }
    invocation.log.info('metric history imported', {
      importedFor: tenantId,
      points: body.points.length,
      days: days.length,
    });
    return { imported: body.points.length, days: days.length };
  }

  /** One series of the caller's tenant between two days (by default the 90 days up to today). */
  async history(invocation: Invocation, query: HistoryQuery) {
    const to = query.to ?? dayOf(this.deps.clock(), this.deps.timeZone);
    const from = query.from ?? daysBefore(to, DEFAULT_HISTORY_DAYS);
    const problems: FieldProblem[] = [];
    if (from > to) problems.push({ field: 'query.from', message: `is after to (${to})` });
    else if (daysBetween(from, to) > MAX_HISTORY_RANGE_DAYS) {
      problems.push({ field: 'query.from', message: `the range may span at most ${MAX_HISTORY_RANGE_DAYS} days` });
    }
    if (isEntityMetric(query.metric) && query.entityId === undefined) {
      problems.push({ field: 'query.entityId', message: `is required for ${query.metric}` });
    } else if (!isEntityMetric(query.metric) && query.entityId !== undefined) {
      problems.push({ field: 'query.entityId', message: `${query.metric} is not about one entity` });
    }
    if (problems.length > 0) throw new ValidationError('The history query is invalid', problems);
    const points = await this.deps.history.series(invocation.caller.tenantId, { ...query, from, to });
    return {
      metric: query.metric,
      ...(query.entityId === undefined ? {} : { entityId: query.entityId }),
      from,
      to,
      points: [...points],
    };
  }

  /** The current trend signals of the caller's tenant's stored history. */
  async trends(invocation: Invocation): Promise<TrendReport> {
    return storedTrends(this.deps.history, invocation.caller.tenantId, this.deps.clock(), this.deps.timeZone);
  }

  /** A backfilled day expires `retentionDays` after the day itself, as if it had been recorded then. */
  private expiryOf(date: string): number {
    return Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + this.deps.retentionDays * 86_400;
  }
}
