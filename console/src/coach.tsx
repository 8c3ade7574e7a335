import { useEffect, useState } from 'preact/hooks';
import { api, type ResponseOf } from './api/client';

/** One nudge as the API returns it. */
export type Nudge = ResponseOf<'/coach/nudges', 'get'>['nudges'][number];

/** How long a toast stays: 10 s, 20 s at coach level 3. */
export const toastMs = (level: number): number => (level >= 3 ? 20_000 : 10_000);

type Listener = (queue: readonly Nudge[]) => void;
const listeners = new Set<Listener>();
let queue: Nudge[] = [];
const shown = new Set<string>();
/** The user's coach level (toasts stay longer at 3); updated when settings load or change. */
export const coachState = { level: 2 };

/** `review_goal` as a button label: `Review goal`. */
export const humanize = (code: string): string => {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const publish = (): void => listeners.forEach((listener) => listener(queue));

/** Adds nudges to the toast queue (each one once). */
export const enqueueNudges = (nudges: readonly Nudge[]): void => {
  for (const nudge of nudges) {
    if (shown.has(nudge.id) || nudge.dismissedAt) continue;
    shown.add(nudge.id);
    queue = [...queue, nudge];
  }
  publish();
};

const next = (): void => {
  queue = queue.slice(1);
  publish();
};

/** Loads the pending nudges (on sign-in / load) into the queue. */
export const loadNudges = async (): Promise<void> => {
  const { nudges } = await api('get', '/coach/nudges');
  enqueueNudges(nudges.filter((nudge) => !nudge.seenAt));
};

/** The toast region (bottom-right, aria-live): the queue's first nudge, with its action and a dismiss. */
export const Toasts = () => {
  const [items, setItems] = useState<readonly Nudge[]>(queue);
  useEffect(() => {
    listeners.add(setItems);
    return () => void listeners.delete(setItems);
  }, []);
  const current = items[0];
  useEffect(() => {
    if (!current) return;
    void api('post', '/coach/nudges/{id}/seen', { path: { id: current.id } }).catch(() => undefined);
    const timer = setTimeout(next, toastMs(coachState.level));
    return () => clearTimeout(timer);
  }, [current?.id]);
  const dismiss = (): void => {
    if (current) void api('post', '/coach/nudges/{id}/dismiss', { path: { id: current.id } }).catch(() => undefined);
    next();
  };
  return (
    <div class="toasts" aria-live="polite" aria-atomic="true">
      {current ? (
        <div class={`toast priority-${current.priority}`} role="status" data-testid="toast" key={current.id}>
          <p class="toast-message">{current.message}</p>
          <div class="row">
            {current.suggestedAction ? (
              <button type="button" class="primary" onClick={next}>
                {humanize(current.suggestedAction)}
              </button>
            ) : null}
            <button type="button" onClick={dismiss} aria-label="Dismiss this nudge">
              Dismiss
            </button>
            {items.length > 1 ? <span class="muted">+{items.length - 1} more</span> : null}
          </div>
        </div>
      ) : null}
    </div>
  );
};
