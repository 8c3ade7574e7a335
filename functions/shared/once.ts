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

/**
 * A stand-in for a port whose adapter (and the schemas and SDKs it brings) is loaded on the first call of any of its
 * methods, by `load` (a dynamic import, which the bundler keeps out of the cold start). Every method of the port must
 * be async. Used for adapters most invocations of a function never touch (the business APIs on a cache hit).
 */
export const lazyPort = <T extends object>(load: () => Promise<T>): T => {
  const loaded = onceAsync(load);
  return new Proxy({} as T, {
    get:
      (_target, method) =>
      async (...args: unknown[]): Promise<unknown> => {
        const port = await loaded();
        return (Reflect.get(port, method) as (...a: unknown[]) => Promise<unknown>).apply(port, args);
      },
  });
};
