import type { Caller } from './caller';
import type { LogSink } from './observability';
import { PendingWrites } from './pending-writes';

/**
 * Where a use case reports usage: budget warnings for the caller (an HTTP response header, a log line in a job) and
 * metering writes started off the critical path, which the transport settles before the invocation ends.
 */
export interface UsageSink {
  /** A warning for the caller about their usage (the last one wins). */
  warn(message: string): void;
  /** Tracks a write that runs alongside the rest of the request; `describe` names it in the log if it fails. */
  defer(write: Promise<void>, describe: Record<string, unknown>): void;
}

/** How long the invocation may still run: work past it is wasted, because the caller (or Lambda) is gone. */
export interface Deadline {
  /** Epoch milliseconds at which the invocation's time is up. */
  readonly at: number;
  /** Milliseconds left, never negative. */
  remainingMs(): number;
}

/** An abort signal that fires at a deadline, and how to stop its timer once the work is done. */
export interface DeadlineSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** A signal that aborts when `deadline` passes (at once if it has); dispose it when the work ends sooner. */
export const abortAtDeadline = (deadline: Deadline): DeadlineSignal => {
  const controller = new AbortController();
  const abort = (): void => controller.abort(new Error(`The deadline (${new Date(deadline.at).toISOString()}) passed`));
  const remaining = deadline.remainingMs();
  if (remaining <= 0) {
    abort();
    return { signal: controller.signal, dispose: () => undefined };
  }
  const timer = setTimeout(abort, remaining);
  timer.unref();
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
};

/**
 * The transport-free context every use case takes: who is calling, the correlation id, a logger bound to both, where
 * usage goes, and the deadline. The HTTP pipeline, the streaming function and the queue workers each build one.
 */
export interface Invocation {
  readonly caller: Caller;
  readonly correlationId: string;
  readonly log: LogSink;
  readonly usage: UsageSink;
  readonly deadline: Deadline;
}

/** An invocation and what its transport does with it once the use case returns. */
export interface InvocationScope {
  readonly invocation: Invocation;
  /** The last usage warning, if any. */
  warning(): string | undefined;
  /** Waits for the deferred writes (failures are logged, never thrown). */
  settle(): Promise<void>;
}

/** What a transport knows when it starts an invocation. */
export interface InvocationStart {
  readonly caller: Caller;
  readonly correlationId: string;
  readonly log: LogSink;
  /** Epoch milliseconds at which the invocation must be done. */
  readonly deadlineAt: number;
  readonly clock?: () => number;
}

/** Starts an invocation: its usage sink collects warnings and deferred writes for the transport to settle. */
export const startInvocation = ({
  caller,
  correlationId,
  log,
  deadlineAt,
  clock = Date.now,
}: InvocationStart): InvocationScope => {
  const pending = new PendingWrites();
  let warning: string | undefined;
  const usage: UsageSink = {
    warn: (message) => {
      warning = message;
    },
    defer: (write, describe) => pending.track(write, describe, log),
  };
  const deadline: Deadline = { at: deadlineAt, remainingMs: () => Math.max(0, deadlineAt - clock()) };
  return {
    invocation: { caller, correlationId, log, usage, deadline },
    warning: () => warning,
    settle: () => pending.settle(),
  };
};
