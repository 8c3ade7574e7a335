/**
 * Memoizes a factory so an adapter (and its SDK client) is built once per process, on first use. Module-scope calls
 * are marked `/* @__PURE__ *\/` so the bundler drops a memoized factory no handler of the bundle uses.
 */
export const once = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};

/**
 * Memoizes an async factory: the first call starts it, later calls share its promise. A failed build is forgotten
 * so the next call retries. Used to load heavy SDK clients only on the code path that needs them.
 */
export const onceAsync = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= build().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
};
