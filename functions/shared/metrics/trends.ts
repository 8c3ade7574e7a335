import type { MetricDay, MetricName, MetricPoint } from './model';
import { seriesKey } from './model';

/**
 * Deterministic trend statistics over a tenant's daily metric history: statistics first, the model only writes.
 * Every claim needs a minimum history (the constants below); with less, nothing is claimed.
 */

const DAY_MS = 86_400_000;

/** A change vs N days ago needs a point at most this many days before that day. */
export const CHANGE_TOLERANCE_DAYS = 3;
/** The robust z-score looks at the day-over-day changes of this many days... */
export const UNUSUAL_WINDOW_DAYS = 60;
/** ...and needs at least this many of them. */
export const UNUSUAL_MIN_CHANGES = 14;
/** A day-over-day change with |robust z| at or above this is unusual. */
export const UNUSUAL_Z = 3.5;
/** A new trend compares the fitted slope of the last window with the window before; each needs MIN points. */
export const TREND_WINDOW_DAYS = 14;
export const TREND_MIN_POINTS = 7;
/** A slope under this (points per day, about 0.7 a week) is flat: no direction, so no new trend. */
export const FLAT_SLOPE_PER_DAY = 0.1;
/** A goal whose progress moved at most this much over STALL_DAYS has stalled. */
export const STALL_DAYS = 14;
export const STALL_TOLERANCE = 0.5;
/** A goal's pace needs this many progress points spanning at least PACE_MIN_SPAN_DAYS. */
export const PACE_MIN_POINTS = 4;
export const PACE_MIN_SPAN_DAYS = 14;
/** A goal's current rate is fitted over its last this many days (8 weeks). */
export const PACE_WINDOW_DAYS = 56;

/** The headline metrics whose changes are reported. */
export const headlineMetrics = [
  'overallScore',
  'completionRate',
  'atRisk',
  'behindSchedule',
  'openIssues',
  'criticalIssues',
  'overdueActions',
] as const satisfies readonly MetricName[];

const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

/** The calendar day `days` before `date`. */
export const daysBefore = (date: string, days: number): string =>
  new Date((dayNumber(date) - days) * DAY_MS).toISOString().slice(0, 10);

const round1 = (value: number): number => Math.round(value * 10) / 10;

const median = (values: ArrayLike<number>): number => {
  const sorted = Float64Array.from(values).sort();
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** One series of the history, oldest first. */
export const seriesOf = (days: readonly MetricDay[], key: string): MetricPoint[] =>
  days.flatMap((day) => {
    const value = day.values[key];
    return value === undefined ? [] : [{ date: day.date, value }];
  });

/** A value N days before the latest point. */
export interface Change {
  readonly days: number;
  readonly from: number;
  readonly to: number;
  readonly change: number;
  readonly fromDate: string;
  readonly toDate: string;
}

/**
 * The change of a series' latest value vs its value `days` before the latest point's day (the last point on or before
 * that day, at most CHANGE_TOLERANCE_DAYS earlier); undefined when there is no such point.
 */
export const changeOver = (series: readonly MetricPoint[], days: number): Change | undefined => {
  const latest = series.at(-1);
  if (!latest) return undefined;
  const target = dayNumber(latest.date) - days;
  const earlier = [...series].reverse().find((point) => dayNumber(point.date) <= target);
  if (!earlier || target - dayNumber(earlier.date) > CHANGE_TOLERANCE_DAYS) return undefined;
  return {
    days,
    from: earlier.value,
    to: latest.value,
    change: round1(latest.value - earlier.value),
    fromDate: earlier.date,
    toDate: latest.date,
  };
};

/** A robust straight-line fit: the Theil-Sen slope (median of pairwise slopes, per day) and its intercept. */
export interface Fit {
  readonly slopePerDay: number;
  readonly intercept: number;
}

/** The Theil-Sen fit of a series (x in days); undefined with fewer than two points on different days. */
export const theilSen = (series: readonly MetricPoint[]): Fit | undefined => {
  const xs = series.map((point) => dayNumber(point.date));
  const ys = series.map((point) => point.value);
  const slopes = new Float64Array((series.length * (series.length - 1)) / 2);
  let count = 0;
  for (let i = 0; i < series.length; i += 1) {
    for (let j = i + 1; j < series.length; j += 1) {
      const dx = (xs[j] as number) - (xs[i] as number);
      if (dx !== 0) slopes[count++] = ((ys[j] as number) - (ys[i] as number)) / dx;
    }
  }
  if (count === 0) return undefined;
  const slopePerDay = median(slopes.subarray(0, count));
  const intercept = median(ys.map((y, i) => y - slopePerDay * (xs[i] as number)));
  return { slopePerDay, intercept };
};

/** The fitted value of a fit on a day. */
export const fittedOn = (fit: Fit, date: string): number => fit.intercept + fit.slopePerDay * dayNumber(date);

/** The latest day-over-day change, judged against the series' normal day-to-day variation. */
export interface UnusualChange {
  readonly date: string;
  readonly from: number;
  readonly to: number;
  readonly change: number;
  /**
   * The robust z-score, 0.6745 x (change - median change) / MAD (with MAD 0, the mean absolute deviation x 1.2533
   * instead); null when the earlier changes were all the same, so any other change is unusual.
   */
  readonly z: number | null;
  readonly typicalChange: number;
}

/**
 * The latest day-over-day change when it is unusual: |robust z| >= UNUSUAL_Z over the day-over-day changes of the
 * last UNUSUAL_WINDOW_DAYS (consecutive days only), with at least UNUSUAL_MIN_CHANGES earlier changes to compare.
 */
export const unusualChange = (series: readonly MetricPoint[]): UnusualChange | undefined => {
  const latest = series.at(-1);
  if (!latest) return undefined;
  const since = dayNumber(latest.date) - UNUSUAL_WINDOW_DAYS;
  const changes: { date: string; from: number; to: number; change: number }[] = [];
  for (let i = 1; i < series.length; i += 1) {
    const previous = series[i - 1] as MetricPoint;
    const point = series[i] as MetricPoint;
    if (dayNumber(point.date) - dayNumber(previous.date) === 1 && dayNumber(previous.date) >= since) {
      // Rounded past float noise: a steady series' changes are equal, not a millionth apart.
      const change = Math.round((point.value - previous.value) * 1e6) / 1e6;
      changes.push({ date: point.date, from: previous.value, to: point.value, change });
    }
  }
  const last = changes.at(-1);
  if (!last || last.date !== latest.date) return undefined;
  const before = changes.slice(0, -1).map((change) => change.change);
  if (before.length < UNUSUAL_MIN_CHANGES) return undefined;
  const center = median(before);
  const deviations = before.map((change) => Math.abs(change - center));
  const deviation = last.change - center;
  if (deviation === 0) return undefined;
  const mad = median(deviations);
  const meanAbsolute = deviations.reduce((sum, value) => sum + value, 0) / deviations.length;
  const z = mad > 0 ? (0.6745 * deviation) / mad : meanAbsolute > 0 ? deviation / (1.2533 * meanAbsolute) : null;
  if (z !== null && Math.abs(z) < UNUSUAL_Z) return undefined;
  return { ...last, change: round1(last.change), z: z === null ? null : round1(z), typicalChange: round1(mad) };
};

/** The direction of a fitted slope. */
export type Direction = 'up' | 'down' | 'flat';
const directionOf = (slopePerDay: number): Direction =>
  Math.abs(slopePerDay) < FLAT_SLOPE_PER_DAY ? 'flat' : slopePerDay > 0 ? 'up' : 'down';

/** A trend that changed direction: the last window's fit against the window before it. */
export interface NewTrend {
  readonly direction: 'up' | 'down';
  readonly previous: 'up' | 'down';
  /** The slopes, in points per week (one decimal). */
  readonly perWeek: number;
  readonly previousPerWeek: number;
  readonly since: string;
}

/** A new trend: the last TREND_WINDOW_DAYS rise (or fall) after the window before fell (or rose). */
export const newTrend = (series: readonly MetricPoint[]): NewTrend | undefined => {
  const latest = series.at(-1);
  if (!latest) return undefined;
  const end = dayNumber(latest.date);
  const window = (from: number, to: number) =>
    series.filter((point) => dayNumber(point.date) > from && dayNumber(point.date) <= to);
  const recent = window(end - TREND_WINDOW_DAYS, end);
  const earlier = window(end - 2 * TREND_WINDOW_DAYS, end - TREND_WINDOW_DAYS);
  if (recent.length < TREND_MIN_POINTS || earlier.length < TREND_MIN_POINTS) return undefined;
  const [now, then] = [theilSen(recent), theilSen(earlier)];
  if (!now || !then) return undefined;
  const [direction, previous] = [directionOf(now.slopePerDay), directionOf(then.slopePerDay)];
  if (direction === 'flat' || previous === 'flat' || direction === previous) return undefined;
  return {
    direction,
    previous,
    perWeek: round1(now.slopePerDay * 7),
    previousPerWeek: round1(then.slopePerDay * 7),
    since: (recent[0] as MetricPoint).date,
  };
};

/** A goal whose progress has not moved. */
export interface Stall {
  readonly progress: number;
  readonly days: number;
  readonly since: string;
}

/**
 * A stall: the progress (below 100) moved at most STALL_TOLERANCE over at least `minDays` (default STALL_DAYS) up to
 * the latest point; `days` is how long it has not moved.
 */
export const stall = (series: readonly MetricPoint[], minDays = STALL_DAYS): Stall | undefined => {
  const latest = series.at(-1);
  if (!latest || latest.value >= 100) return undefined;
  let since = latest;
  for (const point of [...series].reverse()) {
    if (Math.abs(point.value - latest.value) > STALL_TOLERANCE) break;
    since = point;
  }
  const days = dayNumber(latest.date) - dayNumber(since.date);
  return days >= minDays ? { progress: round1(latest.value), days, since: since.date } : undefined;
};

/** Where a goal's progress gets by its deadline at its current rate. */
export interface Pace {
  readonly progress: number;
  /** The fitted rate, in points per week (one decimal). */
  readonly perWeek: number;
  /** The progress it reaches by `targetDate` at that rate (0-100, whole). */
  readonly projected: number;
  readonly targetDate: string;
  readonly onPace: boolean;
}

/**
 * A goal's pace from its progress history (a Theil-Sen fit over its last PACE_WINDOW_DAYS, at least PACE_MIN_POINTS
 * points spanning PACE_MIN_SPAN_DAYS): the progress it reaches by `targetDate` (a future day) at the fitted rate.
 */
export const pace = (history: readonly MetricPoint[], targetDate: string): Pace | undefined => {
  const end = history.at(-1);
  const series = end ? history.filter((point) => dayNumber(point.date) > dayNumber(end.date) - PACE_WINDOW_DAYS) : [];
  const first = series[0];
  const latest = series.at(-1);
  if (!first || !latest || series.length < PACE_MIN_POINTS) return undefined;
  if (dayNumber(latest.date) - dayNumber(first.date) < PACE_MIN_SPAN_DAYS) return undefined;
  const daysLeft = dayNumber(targetDate) - dayNumber(latest.date);
  if (daysLeft <= 0 || latest.value >= 100) return undefined;
  const fit = theilSen(series);
  if (!fit) return undefined;
  const projected = Math.round(Math.min(100, Math.max(0, latest.value + fit.slopePerDay * daysLeft)));
  return {
    progress: round1(latest.value),
    perWeek: round1(fit.slopePerDay * 7),
    projected,
    targetDate,
    onPace: projected >= 100,
  };
};

/** A score component's part in the overall score's change over the same days. */
export interface Contribution {
  readonly component: string;
  readonly change: number;
  readonly from: number;
  readonly to: number;
}

/** The components' changes over the overall change's days, largest rise first (drivers) and largest fall first. */
export const contributions = (
  days: readonly MetricDay[],
  components: readonly string[],
  window: number,
): { drivers: Contribution[]; detractors: Contribution[] } => {
  const moved = components.flatMap((component): Contribution[] => {
    const change = changeOver(seriesOf(days, seriesKey('componentScore', component)), window);
    return change && change.change !== 0
      ? [{ component, change: change.change, from: change.from, to: change.to }]
      : [];
  });
  return {
    drivers: moved.filter((c) => c.change > 0).sort((a, b) => b.change - a.change),
    detractors: moved.filter((c) => c.change < 0).sort((a, b) => a.change - b.change),
  };
};

/** A goal as the trends need it. */
export interface TrendGoal {
  readonly id: string;
  readonly title: string;
  readonly targetDate?: string;
}

/** Every trend signal of a history, with its numbers. */
export interface TrendReport {
  readonly asOf: string;
  readonly historyDays: number;
  readonly changes: readonly { metric: MetricName; vs7Days?: Change; vs30Days?: Change }[];
  readonly overall?: {
    readonly change: Change;
    readonly drivers: readonly Contribution[];
    readonly detractors: readonly Contribution[];
  };
  readonly newTrends: readonly ({ metric: MetricName } & NewTrend)[];
  readonly unusual: readonly ({ metric: MetricName } & UnusualChange)[];
  readonly stalledGoals: readonly (TrendGoal & Stall)[];
  readonly goalPace: readonly (TrendGoal & Pace)[];
}

/**
 * The trend report of a history (days oldest first, ending today or earlier): changes of the headline metrics vs 7
 * and 30 days ago, the overall score's change over 30 days (7 when 30 are not there) with the components that drove
 * it, new trends and unusual changes of the headline metrics, stalled goals and each goal's pace.
 */
export const trendReport = (
  days: readonly MetricDay[],
  asOf: string,
  goals: readonly TrendGoal[],
  components: readonly string[],
): TrendReport => {
  const changes = headlineMetrics.flatMap((metric) => {
    const series = seriesOf(days, metric);
    const [vs7Days, vs30Days] = [changeOver(series, 7), changeOver(series, 30)];
    return vs7Days || vs30Days ? [{ metric, ...(vs7Days ? { vs7Days } : {}), ...(vs30Days ? { vs30Days } : {}) }] : [];
  });
  const overallChanges = changes.find((change) => change.metric === 'overallScore');
  const overallChange = overallChanges?.vs30Days ?? overallChanges?.vs7Days;
  const goalSeries = goals.map((goal) => ({ goal, series: seriesOf(days, seriesKey('goalProgress', goal.id)) }));
  return {
    asOf,
    historyDays: days.length,
    changes,
    ...(overallChange
      ? { overall: { change: overallChange, ...contributions(days, components, overallChange.days) } }
      : {}),
    newTrends: headlineMetrics.flatMap((metric) => {
      const trend = newTrend(seriesOf(days, metric));
      return trend ? [{ metric, ...trend }] : [];
    }),
    unusual: headlineMetrics.flatMap((metric) => {
      const unusual = unusualChange(seriesOf(days, metric));
      return unusual ? [{ metric, ...unusual }] : [];
    }),
    stalledGoals: goalSeries.flatMap(({ goal, series }) => {
      const stalled = stall(series);
      return stalled ? [{ ...goal, ...stalled }] : [];
    }),
    goalPace: goalSeries.flatMap(({ goal, series }) => {
      const goalPace = goal.targetDate ? pace(series, goal.targetDate.slice(0, 10)) : undefined;
      return goalPace ? [{ ...goal, ...goalPace }] : [];
    }),
  };
};
