import type { Caller } from '../../functions/shared/caller';
import { startInvocation, type Invocation, type InvocationScope } from '../../functions/shared/invocation';
import type { LogSink } from '../../functions/shared/observability';

/** A logger that drops everything. */
export const silentLog: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** One line a recording log kept: its level, message and fields (the first extra argument). */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A log that keeps its lines. */
export const recordingLog = (): { log: LogSink; lines: LogLine[] } => {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, ...extra: unknown[]): void =>
      void lines.push({ level, message, fields: (extra[0] ?? {}) as Record<string, unknown> });
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
};

const scopes = new WeakMap<Invocation, InvocationScope>();

/** What a test invocation may override: the caller's fields, the log, the correlation id and the time budget. */
export interface TestInvocationOptions extends Partial<Caller> {
  readonly log?: LogSink;
  readonly correlationId?: string;
  readonly budgetMs?: number;
}

/** An invocation as a transport would start it, for a use case under test; `settleInvocation` finishes it. */
export const testInvocation = (options: TestInvocationOptions = {}): InvocationScope => {
  const { log = silentLog, correlationId = 'corr-test', budgetMs = 29_000, ...caller } = options;
  const scope = startInvocation({
    caller: {
      tenantId: 'tenant-a',
      userId: 'user-1',
      isAdmin: false,
      isPlatformAdmin: false,
      isService: false,
      bearerToken: 'token',
      ...caller,
    },
    correlationId,
    log,
    deadlineAt: Date.now() + budgetMs,
  });
  scopes.set(scope.invocation, scope);
  return scope;
};

/** Settles the deferred writes of an invocation made by `testInvocation`, as its transport would at the end. */
export const settleInvocation = async (invocation: Invocation): Promise<void> => {
  await scopes.get(invocation)?.settle();
};
