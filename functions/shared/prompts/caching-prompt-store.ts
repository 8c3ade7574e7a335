import type { LogSink } from '../observability';
import type { PromptStore, PromptTemplate } from './template';

interface Entry {
  readonly template: PromptTemplate;
  readonly loadedAt: number;
}

/**
 * Keeps each topic's template in memory for `ttlMs`; one load per topic is in flight at a time. When a reload
 * fails, the last good copy keeps serving (logged), so a storage outage does not stop generation.
 */
export class CachingPromptStore implements PromptStore {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<PromptTemplate>>();

  constructor(
    private readonly inner: PromptStore,
    private readonly ttlMs: number,
    private readonly log: LogSink,
    private readonly now: () => number = Date.now,
  ) {}

  async active(topic: string): Promise<PromptTemplate> {
    const entry = this.entries.get(topic);
    if (entry && this.now() - entry.loadedAt < this.ttlMs) return entry.template;
    const pending = this.inFlight.get(topic) ?? this.reload(topic, entry);
    this.inFlight.set(topic, pending);
    return pending.finally(() => this.inFlight.delete(topic));
  }

  private async reload(topic: string, previous: Entry | undefined): Promise<PromptTemplate> {
    try {
      const template = await this.inner.active(topic);
      this.entries.set(topic, { template, loadedAt: this.now() });
      return template;
    } catch (error) {
      if (!previous) throw error;
      this.log.warn('prompt reload failed; serving the last good copy', {
        topic,
        version: previous.template.version,
        error: String(error),
      });
      return previous.template;
    }
  }
}
