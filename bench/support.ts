/** Shared helpers of the benchmarks: timing, percentiles, aligned tables and target verdicts. */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** A distribution of timings in milliseconds (nearest-rank percentiles). */
export interface Distribution {
  readonly runs: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One figure checked against its target; `INFO` when the figure has no target. */
export interface TargetResult {
  readonly figure: string;
  readonly measured: string;
  readonly target: string;
  readonly verdict: 'PASS' | 'MISS' | 'INFO';
}

const rank = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/** The nearest-rank percentile `p` (0-100) of samples in any order. */
export const percentile = (samples: readonly number[], p: number): number =>
  rank(
    [...samples].sort((a, b) => a - b),
    p,
  );

/** The median of samples in any order. */
export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** p50, p95, p99 and max of samples in any order. */
export const distribution = (samples: readonly number[]): Distribution => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    p50: rank(sorted, 50),
    p95: rank(sorted, 95),
    p99: rank(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};

/** A table row of a distribution: the label, the runs, p50, p95, p99 and max. */
export const distributionRow = (label: string, d: Distribution): string[] => [
  label,
  count(d.runs),
  ms(d.p50),
  ms(d.p95),
  ms(d.p99),
  ms(d.max),
];

/** Runs `task` `warmup` times unmeasured, then `runs` times one after another; returns each run's milliseconds. */
export const sample = async (runs: number, task: () => Promise<unknown>, warmup = 0): Promise<number[]> => {
  for (let i = 0; i < warmup; i += 1) await task();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  return times;
};

/** `task` for every item, at most `limit` at a time; the results in the items' order. */
export const mapConcurrent = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next; index < items.length; index = next) {
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** Milliseconds of one call of `task`. */
export const timeOnce = async (task: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await task();
  return performance.now() - started;
};

/**
 * Wall time during which at least one tracked call was in flight (calls in parallel count once), and the number of
 * calls. Reset it before each run.
 */
export class BusyTime {
  ms = 0;
  calls = 0;
  private inFlight = 0;
  private since = 0;

  /** Zeroes the time and the call count. */
  reset(): void {
    this.ms = 0;
    this.calls = 0;
  }

  /** Runs `task`, counting it and adding the time no other tracked call already covers. */
  async track<T>(task: () => Promise<T>): Promise<T> {
    this.calls += 1;
    if (this.inFlight === 0) this.since = performance.now();
    this.inFlight += 1;
    try {
      return await task();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.ms += performance.now() - this.since;
    }
  }
}

/**
 * Wraps every method of `target` so its calls are tracked by `busy`, or by the `BusyTime` that `busy` picks for the
 * method's name (e.g. a DynamoDB client's `send`, or one timer per stage of a ledger).
 */
export const timedMethods = <T extends object>(target: T, busy: BusyTime | ((method: string) => BusyTime)): T =>
  new Proxy(target, {
    get: (object, key) => {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      const timer = busy instanceof BusyTime ? busy : busy(String(key));
      return (...args: unknown[]): Promise<unknown> =>
        timer.track(async () => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args));
    },
  });

/** `0.84 ms`, `12.3 ms`, `1,204 ms`. */
export const ms = (value: number): string =>
  `${value < 10 ? value.toFixed(2) : value < 1000 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;

/** Bytes as `412.3 KB`. */
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** A whole number with thousands separators. */
export const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The span of whole numbers such as per-run request counts: `8`, or `8–9` when they differ. */
export const countRange = (values: readonly number[]): string => {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? count(low) : `${count(low)}–${count(high)}`;
};

/** Checks `value <= limit`. */
export const atMost = (
  figure: string,
  value: number,
  limit: number,
  format: (value: number) => string,
): TargetResult => ({
  figure,
  measured: format(value),
  target: `≤ ${format(limit)}`,
  verdict: value <= limit ? 'PASS' : 'MISS',
});

/** Checks `value === expected`. */
export const equals = (
  figure: string,
  value: number,
  expected: number,
  format: (value: number) => string,
): TargetResult => ({
  figure,
  measured: format(value),
  target: `= ${format(expected)}`,
  verdict: value === expected ? 'PASS' : 'MISS',
});

/** A figure reported without a target. */
export const info = (figure: string, measured: string): TargetResult => ({
  figure,
  measured,
  target: '(none)',
  verdict: 'INFO',
});

/** Prints a section heading. */
export const printHeading = (title: string): void => {
  process.stdout.write(`\n${title}\n${'='.repeat(title.length)}\n`);
};

/** Prints indented notes under a table. */
export const printNotes = (...notes: readonly string[]): void => {
  for (const note of notes) process.stdout.write(`  ${note}\n`);
};

/** The machine the figures were taken on: Node version, CPUs and the 1-minute load average. */
export const machineLine = (): string =>
  `Node ${process.version}, ${cpus().length} CPUs, load average (1 min) ${loadavg()[0]?.toFixed(1)}`;

/** A section's verdict line for one target. */
export const verdictLine = (result: TargetResult): string =>
  `${result.verdict}  ${result.figure}: ${result.measured} (target ${result.target})`;

/** `2.14x` */
export const ratio = (value: number): string => `${value.toFixed(2)}x`;

/**
 * Checks `value <= maxRatio × floor`, for a figure whose floor was measured in the same run (these machines are shared
 * and noisy; a ratio to a floor measured alongside is stable where milliseconds are not).
 */
export const atMostRatio = (
  figure: string,
  value: number,
  floor: { readonly name: string; readonly value: number },
  maxRatio: number,
  format: (value: number) => string = ms,
): TargetResult => ({
  figure,
  measured: `${format(value)} = ${ratio(value / floor.value)} ${floor.name}`,
  target: `≤ ${ratio(maxRatio)} (${format(maxRatio * floor.value)})`,
  verdict: value <= maxRatio * floor.value ? 'PASS' : 'MISS',
});

/**
 * Counts the sequential round trips of what runs while it is tracking: requests that overlap in time (sent in
 * parallel) are one round trip; a request sent after all earlier ones finished starts the next. `counting(client)`
 * counts every request a client sends.
 */
export class RoundTrips {
  /** Round trips since the last reset. */
  count = 0;
  private inFlight = 0;

  /** Zeroes the count. */
  reset(): void {
    this.count = 0;
  }

  /** Runs a request, counting a new round trip when nothing else is in flight. */
  async track<T>(task: () => Promise<T>): Promise<T> {
    if (this.inFlight === 0) this.count += 1;
    this.inFlight += 1;
    try {
      return await task();
    } finally {
      this.inFlight -= 1;
    }
  }

  /** `client` with every method's calls counted (e.g. a DynamoDB document client's `send`). */
  counting<T extends object>(client: T): T {
    return new Proxy(client, {
      get: (object, key) => {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): Promise<unknown> =>
          this.track(async () => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args));
      },
    });
  }
}
