import { CachingPromptStore } from '../../../../functions/shared/prompts/caching-prompt-store';
import { PromptUnavailableError } from '../../../../functions/shared/prompts/errors';
import type { PromptStore, PromptTemplate } from '../../../../functions/shared/prompts/template';

const version = (v: string): PromptTemplate => ({
  topic: 't',
  version: v,
  metadata: { title: 't', description: 't' },
  system_prompt: 's',
  user_prompt_template: 'u',
  variables: [],
  created_at: 'now',
  created_by: 'test',
});

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A PromptStore whose answers the test scripts; counts loads. */
class ScriptedStore implements PromptStore {
  loads = 0;
  next: () => Promise<PromptTemplate> = async () => version('v1.0');
  active(): Promise<PromptTemplate> {
    this.loads += 1;
    return this.next();
  }
}

describe('CachingPromptStore', () => {
  it('serves from memory within the TTL and reloads after it', async () => {
    let now = 0;
    const inner = new ScriptedStore();
    const store = new CachingPromptStore(inner, 60_000, silent, () => now);

    await store.active('t');
    await store.active('t');
    now = 60_001;
    inner.next = async () => version('v1.1');
    const reloaded = await store.active('t');

    expect(inner.loads).toBe(2);
    expect(reloaded.version).toBe('v1.1');
  });

  it('keeps one load in flight per topic', async () => {
    const inner = new ScriptedStore();
    const store = new CachingPromptStore(inner, 60_000, silent);

    await Promise.all(Array.from({ length: 10 }, () => store.active('t')));

    expect(inner.loads).toBe(1);
  });

  it('serves the last good copy when a reload fails', async () => {
    let now = 0;
    const inner = new ScriptedStore();
    const store = new CachingPromptStore(inner, 1_000, silent, () => now);
    await store.active('t');
    now = 5_000;
    inner.next = async () => {
      throw new PromptUnavailableError('bucket down');
    };

    await expect(store.active('t')).resolves.toMatchObject({ version: 'v1.0' });
  });

  it('fails when the first load fails', async () => {
    const inner = new ScriptedStore();
    inner.next = async () => {
      throw new PromptUnavailableError('bucket down');
    };
    const store = new CachingPromptStore(inner, 1_000, silent);

    await expect(store.active('t')).rejects.toThrow('bucket down');
  });
});
