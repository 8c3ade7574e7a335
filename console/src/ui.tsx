import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api/client';

/** The state of one load: loading, its value, or the API's error. */
export interface Loaded<T> {
  readonly value?: T;
  readonly error?: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Runs `load` on mount and whenever `deps` change; `reload` runs it again. */
export const useLoad = <T,>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> => {
  const [state, setState] = useState<{ value?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (value) => live && setState({ value, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
};

/** The message to show for an error: the API's message and code, or the error's text. */
export const messageOf = (error: unknown): string =>
  error instanceof ApiError
    ? `${error.message} (${error.code})`
    : error instanceof Error
      ? error.message
      : String(error);

/** An error box (role alert) with the API's message. */
export const ErrorBox = ({ error }: { error: unknown }) => (
  <div class="error" role="alert">
    {messageOf(error)}
  </div>
);

/** Loading, error or content of one load, with space reserved while it loads. */
export const Loading = <T,>({
  state,
  children,
  minHeight = 120,
}: {
  state: Loaded<T>;
  children: (value: T) => ComponentChildren;
  minHeight?: number;
}) => (
  <div style={{ minHeight }} aria-busy={state.loading}>
    {state.error ? <ErrorBox error={state.error} /> : null}
    {state.value !== undefined ? children(state.value) : state.loading ? <p class="muted">Loading…</p> : null}
  </div>
);

/** A small bar chart (SVG), one bar per row, labelled for screen readers. */
export const Bars = ({ rows, label }: { rows: readonly { key: string; value: number }[]; label: string }) => {
  const max = Math.max(1, ...rows.map((row) => row.value));
  const width = Math.max(rows.length * 28, 120);
  return (
    <svg class="chart" viewBox={`0 0 ${width} 110`} role="img" aria-label={label} preserveAspectRatio="none">
      {rows.map((row, i) => {
        const height = (row.value / max) * 90;
        return (
          <g key={row.key}>
            <title>{`${row.key}: ${row.value}`}</title>
            <rect x={i * 28 + 4} y={95 - height} width={20} height={height} rx={2} />
            <text x={i * 28 + 14} y={108} text-anchor="middle">
              {row.key.slice(-5)}
            </text>
          </g>
        );
      })}
    </svg>
  );
};

/** A labelled form row. */
export const Field = ({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) => (
  <label class="field">
    <span class="field-label">{label}</span>
    {children}
    {hint ? <span class="hint">{hint}</span> : null}
  </label>
);
