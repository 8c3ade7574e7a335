import { PromptRegistry } from '../../../functions/prompt-admin/service';
import { InMemoryPromptIndex } from '../../../functions/shared/prompts/prompt-index';
import { InMemoryTemplateContent } from '../../../functions/shared/prompts/template-content';
import { seedTemplate, seedVersion } from '../../support/prompt-fakes';
import { ConflictError, NotFoundError, UnprocessableError } from '../../../functions/shared/errors';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const TOPIC = 'insights_generation';

const setup = () => {
  const index = new InMemoryPromptIndex();
  const content = new InMemoryTemplateContent();
  const registry = new PromptRegistry({
    index,
    content,
    limits: { maxBytes: 100_000 },
    clock: () => new Date('2026-11-21T09:00:00.000Z'),
    log: silent,
  });
  return { index, content, registry };
};

describe('PromptRegistry.publish', () => {
  it('stores a valid version and gives the production label to a template marked is_active', async () => {
    const { registry, content } = setup();

    const result = await registry.publish(TOPIC, seedTemplate(), 'ana');

    expect(result.created).toBe(true);
    expect(result.record).toMatchObject({ status: 'valid', createdBy: 'ana', version: 'v1.0' });
    expect(result.label).toMatchObject({ label: 'production', version: 'v1.0', history: [] });
    await expect(content.read(TOPIC, 'v1.0')).resolves.toEqual(expect.any(String));
  });

  it('treats the same content again as a no-op and a changed body as a conflict', async () => {
    const { registry } = setup();
    await registry.publish(TOPIC, seedVersion('v1.1'), 'ana');

    const again = await registry.publish(TOPIC, seedVersion('v1.1'), 'ben');
    const changed = registry.publish(TOPIC, seedVersion('v1.1', { system_prompt: 'Something else entirely.' }), 'ben');

    expect(again.created).toBe(false);
    expect(again.record.createdBy).toBe('ana');
    await expect(changed).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses an invalid template with every problem, and a template for another topic', async () => {
    const { registry } = setup();

    const invalid = registry.publish(TOPIC, { ...seedVersion('v1.2'), variables: [], metadata: {} }, 'ana');
    const otherTopic = registry.publish('other_topic', seedVersion('v1.2'), 'ana');

    await expect(invalid).rejects.toBeInstanceOf(UnprocessableError);
    await expect(invalid).rejects.toMatchObject({
      problems: expect.arrayContaining([expect.objectContaining({ field: 'metadata.title' })]),
    });
    await expect(otherTopic).rejects.toMatchObject({ problems: [expect.objectContaining({ field: 'topic' })] });
  });

  it('finishes a publish whose content write failed earlier', async () => {
    const { registry, content, index } = setup();
    content.failing = true;
    await expect(registry.publish(TOPIC, seedVersion('v1.3'), 'ana')).rejects.toThrow('bucket unreachable');
    content.failing = false;

    const retried = await registry.publish(TOPIC, seedVersion('v1.3'), 'ana');

    expect(retried.record.status).toBe('valid');
    expect((await index.version(TOPIC, 'v1.3'))?.status).toBe('valid');
  });
});

describe('PromptRegistry labels and rollback', () => {
  it('moves production forward and rolls it back through its history', async () => {
    const { registry } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.1'), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.2'), 'ana');
    await registry.moveLabel(TOPIC, 'production', 'v1.1', 'ben');
    await registry.moveLabel(TOPIC, 'production', 'v1.2', 'ben');

    const first = await registry.rollback(TOPIC, 'cy');
    const second = await registry.rollback(TOPIC, 'cy');

    expect(first).toMatchObject({ version: 'v1.1', movedBy: 'cy' });
    expect(second.version).toBe('v1.0');
    await expect(registry.rollback(TOPIC, 'cy')).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps a label move idempotent and refuses unknown or invalid versions', async () => {
    const { registry, index } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await index.claimVersion({
      ...(await index.version(TOPIC, 'v1.0'))!,
      version: 'v9.9',
      status: 'invalid',
    });

    const same = await registry.moveLabel(TOPIC, 'production', 'v1.0', 'ben');

    expect(same.movedBy).toBe('ana');
    await expect(registry.moveLabel(TOPIC, 'staging', 'v7.0', 'ben')).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.moveLabel(TOPIC, 'staging', 'v9.9', 'ben')).rejects.toBeInstanceOf(UnprocessableError);
  });
});

describe('PromptRegistry.indexUpload', () => {
  it('indexes a dropped file as invalid with its problems, and never labels it', async () => {
    const { registry, content, index } = setup();
    await content.write(TOPIC, 'v2.0', JSON.stringify({ ...seedVersion('v2.0'), is_active: true, variables: [] }));

    const outcome = await registry.indexUpload(TOPIC, 'v2.0', undefined, 's3-upload');

    expect(outcome).toBe('indexed_invalid');
    expect((await index.version(TOPIC, 'v2.0'))?.problems.length).toBeGreaterThan(0);
    expect(await index.label(TOPIC, 'production')).toBeUndefined();
  });

  it('labels a valid dropped file production only when it says is_active', async () => {
    const { registry, content, index } = setup();
    await content.write(TOPIC, 'v2.1', JSON.stringify(seedVersion('v2.1')));
    await content.write(TOPIC, 'v2.2', JSON.stringify(seedVersion('v2.2', { is_active: true })));

    await registry.indexUpload(TOPIC, 'v2.1', undefined, 's3-upload');
    const afterPassive = await index.label(TOPIC, 'production');
    await registry.indexUpload(TOPIC, 'v2.2', undefined, 's3-upload');

    expect(afterPassive).toBeUndefined();
    expect((await index.label(TOPIC, 'production'))?.version).toBe('v2.2');
  });

  it('does not accept a changed body under a published version', async () => {
    const { registry, content, index } = setup();
    await registry.publish(TOPIC, seedVersion('v3.0'), 'ana');
    const original = await index.version(TOPIC, 'v3.0');
    await content.write(
      TOPIC,
      'v3.0',
      JSON.stringify(seedVersion('v3.0', { system_prompt: 'Overwritten in the bucket.' })),
    );

    const outcome = await registry.indexUpload(TOPIC, 'v3.0', undefined, 's3-upload');

    expect(outcome).toBe('rejected_change');
    expect(await index.version(TOPIC, 'v3.0')).toEqual(original);
  });

  it('flags a file whose body names another version than its key', async () => {
    const { registry, content } = setup();
    await content.write(TOPIC, 'v4.0', JSON.stringify(seedVersion('v4.1')));

    expect(await registry.indexUpload(TOPIC, 'v4.0', undefined, 's3-upload')).toBe('indexed_invalid');
  });
});

describe('PromptRegistry.diff', () => {
  it('names the changed fields and gives a unified diff', async () => {
    const { registry } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.1', { model: { temperature: 0.1 } }), 'ana');

    const diff = await registry.diff(TOPIC, 'v1.0', 'v1.1');

    expect(diff.changedFields).toEqual(expect.arrayContaining(['version', 'system_prompt', 'model', 'is_active']));
    expect(diff.unified).toContain('-  "version": "v1.0"');
    expect(diff.unified).toContain('+  "version": "v1.1"');
  });
});
