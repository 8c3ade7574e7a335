import type { LogSink } from './observability';

/**
 * Writes a request starts but does not wait for on its critical path (usage metering after a model call). They run
 * alongside the rest of the request, and the HTTP stack (or the batch worker) settles them before the invocation
 * ends, so Lambda never freezes one half-done. A failed write is logged with everything needed to replay it.
 */
export class PendingWrites {
  private readonly writes: Promise<void>[] = [];

  /** Starts tracking a write; `describe` names it in the log if it fails. */
  track(write: Promise<void>, describe: Record<string, unknown>, log: LogSink): void {
    this.writes.push(
      write.catch((error: unknown) => log.error('background write failed', { ...describe, error: error as Error })),
    );
  }

  /** Waits for every tracked write (including ones tracked while waiting). */
  async settle(): Promise<void> {
    while (this.writes.length > 0) await Promise.all(this.writes.splice(0));
  }
}
