/** A capability or route name as a construct id: `prompt-admin` -> `PromptAdmin`, `listInsights` -> `ListInsights`. */
export const pascal = (name: string): string =>
  name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
