import { PromptRegistry } from '../../../../functions/prompt-admin/service';
import { RegistryPromptStore } from '../../../../functions/shared/prompts/registry-prompt-store';
import type { PromptStore } from '../../../../functions/shared/prompts/template';
import { InMemoryPromptIndex } from '../../../../functions/shared/prompts/prompt-index';
import { InMemoryTemplateContent } from '../../../../functions/shared/prompts/template-content';
import { seedTemplate, seedVersion } from '../../../support/prompt-fakes';
import { PromptUnavailableError } from '../../../../functions/shared/errors';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const TOPIC = 'insights_generation';
const TTL = 60_000;

const bundled: PromptStore = { active: async () => ({ ...seedTemplate(), version: 'v0.9' }) };

const setup = async (staleWaitMs?: number) => {
  let now = 0;
  const index = new InMemoryPromptIndex();
  const content = new InMemoryTemplateContent();
  const registry = new PromptRegistry({ index, content, limits: { maxBytes: 100_000 }, clock: () => new Date(), log: silent });
  await registry.publish(TOPIC, seedTemplate(), 'ana');
  await registry.publish(TOPIC, seedVersion('v1.1'), 'ana');
  const store = new RegistryPromptStore({
    index,
    content,
    limits: { maxBytes: 100_000 },
    bundled,
    ttlMs: TTL,
    ...(staleWaitMs === undefined ? {} : { staleWaitMs }),
    log: silent,
    now: () => now,
  });
  return { index, content, registry, store, advance: (ms: number) => (now += ms) };
};

/** Lets the background refresh settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RegistryPromptStore', () => {
  it('serves the production version and caches it within the TTL', async () => {
    const { store, content, registry } = await setup();

    const first = await store.active(TOPIC);
    await registry.moveLabel(TOPIC, 'production', 'v1.1', 'ben');
    const second = await store.active(TOPIC);

    expect(first.version).toBe('v1.0');
    expect(second.version).toBe('v1.0');
    expect(content.reads).toBe(1);
  });

  it('sees a label move on the first request after the TTL when the refresh is quick', async () => {
    const { store, registry, advance } = await setup();
    await store.active(TOPIC);
    await registry.moveLabel(TOPIC, 'production', 'v1.1', 'ben');
    advance(TTL);

    expect((await store.active(TOPIC)).version).toBe('v1.1');
  });

  it('serves the stale copy while one slow refresh runs, then the new version', async () => {
    const { store, registry, index, advance } = await setup(0);
    await store.active(TOPIC);
    await registry.moveLabel(TOPIC, 'production', 'v1.1', 'ben');
    const label = index.label.bind(index);
    index.label = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return label(...args);
    };
    advance(TTL);

    const during = await Promise.all([store.active(TOPIC), store.active(TOPIC)]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const after = await store.active(TOPIC);

    expect(during.map((template) => template.version)).toEqual(['v1.0', 'v1.0']);
    expect(after.version).toBe('v1.1');
  });

  it('keeps serving the last good copy when the index and the bucket are down', async () => {
    const { store, index, content, advance } = await setup();
    await store.active(TOPIC);
    index.failing = true;
    content.failing = true;
    advance(TTL);

    await store.active(TOPIC);
    await settle();

    expect((await store.active(TOPIC)).version).toBe('v1.0');
  });

  it('falls back to the bundled copy when nothing was loaded yet and the registry is down', async () => {
    const { store, index } = await setup();
    index.failing = true;

    expect((await store.active(TOPIC)).version).toBe('v0.9');
  });

  it('never serves a version that fails validation or differs from what was published', async () => {
    const { store, content } = await setup();
    await content.write(TOPIC, 'v1.0', JSON.stringify({ ...seedTemplate(), system_prompt: 'Changed behind our back.' }));

    const served = await store.active(TOPIC);
    const direct = store.version(TOPIC, 'v1.0');

    expect(served.version).toBe('v0.9');
    await expect(direct).rejects.toBeInstanceOf(PromptUnavailableError);
  });

  it('refuses a version that was never published, or was indexed invalid', async () => {
    const { store, content, registry } = await setup();
    await content.write(TOPIC, 'v2.0', JSON.stringify({ ...seedVersion('v2.0'), variables: [] }));
    await registry.indexUpload(TOPIC, 'v2.0', undefined, 's3-upload');

    const unpublished = store.version(TOPIC, 'v9.9');
    const invalid = store.version(TOPIC, 'v2.0');

    await expect(unpublished).rejects.toThrow(
      new PromptUnavailableError(`${TOPIC} v9.9 is not a valid published version`),
    );
    await expect(invalid).rejects.toThrow(new PromptUnavailableError(`${TOPIC} v2.0 is not a valid published version`));
  });

  it('refuses a published version whose body in the bucket no longer validates, naming the first problem', async () => {
    const { store, content } = await setup();
    await content.write(TOPIC, 'v1.1', '[]');

    const served = store.version(TOPIC, 'v1.1');

    await expect(served).rejects.toThrow(
      new PromptUnavailableError(`${TOPIC} v1.1 fails validation: must be a JSON object`),
    );
  });

  it('serves the bundled copy, with a warning, for a label that points nowhere', async () => {
    const warnings: unknown[] = [];
    const { index, content } = await setup();
    const store = new RegistryPromptStore({
      index,
      content,
      limits: { maxBytes: 100_000 },
      bundled,
      ttlMs: TTL,
      log: {
        ...silent,
        warn: (message: unknown, ...details: unknown[]) => void warnings.push({ message, details: details[0] }),
      },
    });

    const served = await store.labelled(TOPIC, 'staging');

    expect(served.version).toBe('v0.9');
    expect(warnings).toEqual([
      {
        message: 'prompt registry unavailable; serving the bundled copy',
        details: expect.objectContaining({
          topic: TOPIC,
          label: 'staging',
          error: expect.stringContaining('has no staging label'),
        }),
      },
    ]);
  });

  it('serves another label on request', async () => {
    const { store, registry } = await setup();
    await registry.moveLabel(TOPIC, 'staging', 'v1.1', 'ben');

    expect((await store.labelled(TOPIC, 'staging')).version).toBe('v1.1');
  });
});
