/** Memoizes a factory so an adapter (and its SDK client) is built once per process, on first use. */
export const once = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};
