import type { MetricDay, MetricPoint } from '../../../../functions/shared/metrics/model';
import {
  changeOver,
  contributions,
  daysBefore,
  newTrend,
  pace,
  stall,
  theilSen,
  trendReport,
  unusualChange,
} from '../../../../functions/shared/metrics/trends';

const TODAY = '2026-12-02';
/** A series with one point a day, ending today, from the values oldest first. */
const daily = (values: readonly number[], end = TODAY): MetricPoint[] =>
  values.map((value, i) => ({ date: daysBefore(end, values.length - 1 - i), value }));

describe('changeOver', () => {
  it('compares the latest value with the value N days before it', () => {
    const series = daily(Array.from({ length: 31 }, (_, i) => 62 - i * 0.5));

    expect(changeOver(series, 7)).toEqual({
      days: 7,
      from: 62 - 23 * 0.5,
      to: 47,
      change: -3.5,
      fromDate: '2026-11-25',
      toDate: TODAY,
    });
    expect(changeOver(series, 30)?.change).toBe(-15);
  });

  it('uses the last point on or before that day, within three days, and claims nothing past that', () => {
    const sparse = [
      { date: '2026-11-21', value: 40 },
      { date: TODAY, value: 50 },
    ];

    expect(changeOver(sparse, 7)).toBeUndefined();
    expect(changeOver(sparse, 10)).toMatchObject({ from: 40, to: 50, change: 10, fromDate: '2026-11-21' });
    expect(changeOver(sparse, 30)).toBeUndefined();
    expect(changeOver([], 7)).toBeUndefined();
  });
});

describe('theilSen', () => {
  it('fits the slope through the bulk of the points, ignoring one outlier', () => {
    const series = daily([10, 12, 14, 100, 18, 20, 22]);

    expect(theilSen(series)?.slopePerDay).toBe(2);
  });

  it('needs two points on different days', () => {
    expect(theilSen(daily([5]))).toBeUndefined();
  });
});

describe('unusualChange', () => {
  const calm = (last: number): MetricPoint[] =>
    daily([...Array.from({ length: 30 }, (_, i) => 60 + (i % 2 === 0 ? 0.5 : -0.5)), last]);

  it('flags a day-over-day change far outside the normal variation (robust z >= 3.5)', () => {
    // Earlier changes alternate -1/+1 (median about 0, MAD 1): the fall from 59.5 to 50 is z = 0.6745 x -9.5, about -6.
    const found = unusualChange(calm(50));

    expect(found).toMatchObject({ date: TODAY, from: 59.5, to: 50, change: -9.5 });
    expect(found?.z).toBeLessThan(-3.5);
  });

  it('leaves an ordinary move alone', () => {
    expect(unusualChange(calm(60.5))).toBeUndefined();
  });

  it('needs 14 earlier day-over-day changes, and a change on the latest day', () => {
    expect(unusualChange(daily([60, 61, 60, 61, 60, 40]))).toBeUndefined();
    const gap = [...calm(60).slice(0, -1), { date: daysBefore(TODAY, -2), value: 10 }];
    expect(unusualChange(gap)).toBeUndefined();
  });

  it('on a series that never moved, any move is unusual, with no z-score to state', () => {
    const found = unusualChange(daily([...Array.from({ length: 20 }, () => 3), 5]));

    expect(found).toMatchObject({ change: 2, z: null, typicalChange: 0 });
  });
});

describe('newTrend', () => {
  it('finds a fall after a rise, with both rates per week', () => {
    const rise = Array.from({ length: 14 }, (_, i) => 50 + i);
    const fall = Array.from({ length: 14 }, (_, i) => 62 - i * 2);

    expect(newTrend(daily([...rise, ...fall]))).toMatchObject({
      direction: 'down',
      previous: 'up',
      perWeek: -14,
      previousPerWeek: 7,
    });
  });

  it('claims nothing when the direction held, when a window is flat, or with under 7 points a window', () => {
    expect(newTrend(daily(Array.from({ length: 28 }, (_, i) => 50 + i)))).toBeUndefined();
    expect(
      newTrend(daily([...Array.from({ length: 14 }, () => 50), ...Array.from({ length: 14 }, (_, i) => 50 - i)])),
    ).toBeUndefined();
    expect(newTrend(daily([1, 2, 3, 4, 5, 4, 3, 2, 1]))).toBeUndefined();
  });
});

describe('stall', () => {
  it('says how long a goal has not moved', () => {
    const series = daily([10, 20, 30, 38, ...Array.from({ length: 21 }, () => 38)]);

    expect(stall(series)).toEqual({ progress: 38, days: 21, since: daysBefore(TODAY, 21) });
  });

  it('needs 14 days without movement, and a goal not yet done', () => {
    expect(stall(daily([10, 20, ...Array.from({ length: 10 }, () => 30)]))).toBeUndefined();
    expect(stall(daily(Array.from({ length: 30 }, () => 100)))).toBeUndefined();
  });
});

describe('pace', () => {
  it('projects the progress at the target date from the fitted weekly rate', () => {
    // 2 points a week for four weeks up to 40%: 17 weeks to 2027-03-31 add 34 more -> 74%.
    const series = Array.from({ length: 5 }, (_, week) => ({
      date: daysBefore(TODAY, (4 - week) * 7),
      value: 32 + week * 2,
    }));

    expect(pace(series, '2027-03-31')).toEqual({
      progress: 40,
      perWeek: 2,
      projected: 74,
      targetDate: '2027-03-31',
      onPace: false,
    });
  });

  it('says on pace when the rate reaches 100% in time, and claims nothing on too little history', () => {
    const fast = Array.from({ length: 5 }, (_, week) => ({
      date: daysBefore(TODAY, (4 - week) * 7),
      value: 60 + week * 5,
    }));

    expect(pace(fast, '2027-03-31')).toMatchObject({ projected: 100, onPace: true });
    expect(pace(daily([10, 12, 14, 16]), '2027-03-31')).toBeUndefined();
    expect(pace(fast, '2026-11-30')).toBeUndefined();
  });
});

describe('contributions and the report', () => {
  const days: MetricDay[] = Array.from({ length: 31 }, (_, i) => ({
    date: daysBefore(TODAY, 30 - i),
    values: {
      overallScore: 62 - i * 0.5,
      'componentScore#KPIs': 70 - (22 / 30) * i,
      'componentScore#Goals': 50 + (4 / 30) * i,
      'componentScore#Actions': 40,
      'goalProgress#g1': 38,
    },
  }));

  it('names the components that drove and held back the overall change', () => {
    const { drivers, detractors } = contributions(days, ['KPIs', 'Goals', 'Actions'], 30);

    expect(detractors).toEqual([{ component: 'KPIs', change: -22, from: 70, to: 48 }]);
    expect(drivers).toEqual([{ component: 'Goals', change: 4, from: 50, to: 54 }]);
  });

  it('reports the overall change over 30 days with its drivers, and a stalled goal', () => {
    const report = trendReport(
      days,
      TODAY,
      [{ id: 'g1', title: 'Open a depot', targetDate: '2027-03-31' }],
      ['KPIs', 'Goals'],
    );

    expect(report.overall?.change).toMatchObject({ days: 30, from: 62, to: 47, change: -15 });
    expect(report.overall?.detractors[0]?.component).toBe('KPIs');
    expect(report.stalledGoals).toEqual([
      {
        id: 'g1',
        title: 'Open a depot',
        targetDate: '2027-03-31',
        progress: 38,
        days: 30,
        since: daysBefore(TODAY, 30),
      },
    ]);
    expect(report.changes.map((change) => change.metric)).toEqual(['overallScore']);
  });

  it('claims no trend on a history of one day', () => {
    const report = trendReport([{ date: TODAY, values: { overallScore: 50 } }], TODAY, [], []);

    expect(report).toMatchObject({ changes: [], newTrends: [], unusual: [], stalledGoals: [], goalPace: [] });
    expect(report.overall).toBeUndefined();
  });
});
