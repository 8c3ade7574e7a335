import { setTimeout as sleep } from 'node:timers/promises';
import type { LogSink } from '../observability';
import type { PromptIndex, PromptLabel } from './prompt-index';
import type { PromptStore, PromptTemplate } from './template';
import type { TemplateContent } from './template-content';
import { validateTemplate, type TemplateLimits } from './validate';
import { PromptUnavailableError } from '../errors';

/** What the registry store reads from and how long it trusts what it read. */
export interface RegistryPromptStoreOptions {
  readonly index: PromptIndex;
  readonly content: TemplateContent;
  readonly limits: TemplateLimits;
  /** The copy bundled with the function (the prompts/ folder), used when nothing better can be loaded. */
  readonly bundled: PromptStore;
  /** How long a label's resolution is served before it is refreshed (stale-while-revalidate). */
  readonly ttlMs: number;
  /** How long a request past the TTL waits for the refresh before it takes the stale copy (default 250 ms). */
  readonly staleWaitMs?: number;
  readonly log: LogSink;
  readonly now?: () => number;
}

interface Cached {
  readonly template: PromptTemplate;
  readonly checkedAt: number;
}

/**
 * Serves the version a label points at, as the prompt index says, with the content from the bucket:
 * - per process, cached per topic + label for `ttlMs`; after that one refresh per key runs, and requests wait for
 *   it at most `staleWaitMs` before taking the cached copy (stale-while-revalidate): a label move is seen one TTL
 *   after it was last checked;
 * - versions are immutable, so their validated content is cached by topic + version;
 * - when the index or the bucket cannot be read: the last good copy, then the bundled copy;
 * - a version that is not indexed valid, fails validation or does not match its indexed checksum is never served.
 */
export class RegistryPromptStore implements PromptStore {
  private readonly byLabel = new Map<string, Cached>();
  private readonly byVersion = new Map<string, PromptTemplate>();
  private readonly refreshing = new Map<string, Promise<PromptTemplate>>();
  private readonly now: () => number;

  constructor(private readonly options: RegistryPromptStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The production version of a topic. */
  active(topic: string): Promise<PromptTemplate> {
    return this.labelled(topic, 'production');
  }

  /** The version a label points at. */
  async labelled(topic: string, label: PromptLabel): Promise<PromptTemplate> {
    const key = `${topic}#${label}`;
    const cached = this.byLabel.get(key);
    if (cached) {
      if (this.now() - cached.checkedAt < this.options.ttlMs) return cached.template;
      // Past the TTL: one refresh runs; this request waits for it briefly, then settles for the stale copy.
      const giveUp = new AbortController();
      const stale = sleep(this.options.staleWaitMs ?? 250, cached.template, { signal: giveUp.signal }).catch(
        () => cached.template,
      );
      return Promise.race([this.refresh(topic, label), stale]).finally(() => giveUp.abort());
    }
    try {
      return await this.refresh(topic, label);
    } catch (error) {
      this.options.log.warn('prompt registry unavailable; serving the bundled copy', { topic, label, error: String(error) });
      const bundled = await this.options.bundled.active(topic);
      // Kept like a last good copy: the registry is asked again after one TTL, not on every request.
      this.byLabel.set(key, { template: bundled, checkedAt: this.now() });
      return bundled;
    }
  }

  /** A published, valid version. */
  async version(topic: string, version: string): Promise<PromptTemplate> {
    const key = `${topic}@${version}`;
    const cached = this.byVersion.get(key);
    if (cached) return cached;
    const record = await this.options.index.version(topic, version);
    if (!record || record.status !== 'valid') {
      throw new PromptUnavailableError(`${topic} ${version} is not a valid published version`);
    }
    const loaded = validateTemplate(
      await this.options.content.read(topic, version, record.objectVersion),
      this.options.limits,
    );
    if (!loaded.ok) {
      throw new PromptUnavailableError(`${topic} ${version} fails validation: ${loaded.problems[0]?.message ?? ''}`);
    }
    if (loaded.checksum !== record.checksum || loaded.template.version !== version || loaded.template.topic !== topic) {
      throw new PromptUnavailableError(`${topic} ${version} in the bucket does not match what was published`);
    }
    this.byVersion.set(key, loaded.template);
    return loaded.template;
  }

  /** Resolves the label again; one refresh per key at a time. A failed refresh keeps the last good copy. */
  private refresh(topic: string, label: PromptLabel): Promise<PromptTemplate> {
    const key = `${topic}#${label}`;
    const running = this.refreshing.get(key);
    if (running) return running;
    const started = this.resolve(topic, label)
      .then((template) => {
        this.byLabel.set(key, { template, checkedAt: this.now() });
        return template;
      })
      .catch((error: unknown) => {
        const lastGood = this.byLabel.get(key);
        if (!lastGood) throw error;
        this.options.log.warn('prompt refresh failed; serving the last good copy', {
          topic,
          label,
          version: lastGood.template.version,
          error: String(error),
        });
        this.byLabel.set(key, { ...lastGood, checkedAt: this.now() });
        return lastGood.template;
      })
      .finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, started);
    return started;
  }

  private async resolve(topic: string, label: PromptLabel): Promise<PromptTemplate> {
    const record = await this.options.index.label(topic, label);
    if (!record) throw new PromptUnavailableError(`${topic} has no ${label} label`);
    return this.version(topic, record.version);
  }
}
