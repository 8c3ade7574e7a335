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

/** A table cell. */
export type Cell = string | number;

const rank = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/** The nearest-rank percentile `p` (0-100) of samples in any order. */
export const percentile = (samples: readonly number[], p: number): number =>
  rank([...samples].sort((a, b) => a - b), p);

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

/** Milliseconds of one call of `task`. */
export const timeOnce = async (task: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await task();
  return performance.now() - started;
};

/**
 * Wraps every method of `target` so the time spent awaiting it is added to `spent.ms` (for calls the code under
 * test awaits one at a time, such as a store's DynamoDB requests).
 */
export const timedMethods = <T extends object>(target: T, spent: { ms: number }): T =>
  new Proxy(target, {
    get: (object, key) => {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]): Promise<unknown> => {
        const started = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
        } finally {
          spent.ms += performance.now() - started;
        }
      };
    },
  });

/** `0.84 ms`, `12.3 ms`, `1,204 ms`. */
export const ms = (value: number): string =>
  `${value < 10 ? value.toFixed(2) : value < 1000 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;

/** Bytes as `412.3 KB`. */
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** A whole number with thousands separators. */
export const count = (value: number): string => Math.round(value).toLocaleString('en-US');

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

/** A figure reported without a target. */
export const info = (figure: string, measured: string): TargetResult => ({ figure, measured, target: '(none)', verdict: 'INFO' });

/** Prints a section heading. */
export const printHeading = (title: string): void => {
  process.stdout.write(`\n${title}\n${'='.repeat(title.length)}\n`);
};

/** Prints indented notes under a table. */
export const printNotes = (...notes: readonly string[]): void => {
  for (const note of notes) process.stdout.write(`  ${note}\n`);
};

/** Prints an aligned table: the first `leftColumns` columns left-aligned, the others right-aligned. */
export const printTable = (header: readonly string[], rows: readonly (readonly Cell[])[], leftColumns = 1): void => {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [format(cells[0] ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(format)];
  process.stdout.write(`${lines.map((line) => `  ${line}`).join('\n')}\n`);
};

/** The machine the figures were taken on: Node version, CPUs and the 1-minute load average. */
export const machineLine = (): string =>
  `Node ${process.version}, ${cpus().length} CPUs, load average (1 min) ${loadavg()[0]?.toFixed(1)}`;

/** A section's verdict line for one target. */
export const verdictLine = (result: TargetResult): string =>
  `${result.verdict}  ${result.figure}: ${result.measured} (target ${result.target})`;
