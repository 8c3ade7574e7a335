import { PromptRegistry } from '../../../functions/prompt-admin/service';
import { InMemoryPromptIndex, type LabelRecord } from '../../../functions/shared/prompts/prompt-index';
import { InMemoryTemplateContent } from '../../../functions/shared/prompts/template-content';
import { seedTemplate, seedVersion } from '../../support/prompt-fakes';
import { ConflictError, NotFoundError, UnprocessableError } from '../../../functions/shared/errors';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const TOPIC = 'insights_generation';

/** The index twin, with a hook that lets another admin move a label between our read and our write. */
class RacingPromptIndex extends InMemoryPromptIndex {
  /** Runs once, just before the next label write. */
  beforeNextPut: (() => Promise<unknown>) | undefined;

  override async putLabel(record: LabelRecord, expectedVersion: string | undefined): Promise<boolean> {
    const race = this.beforeNextPut;
    this.beforeNextPut = undefined;
    await race?.();
    return super.putLabel(record, expectedVersion);
  }
}

/** The content twin as a versioned bucket: every write gets a new object version, and reads are recorded. */
class VersionedTemplateContent extends InMemoryTemplateContent {
  readonly readsOf: { version: string; objectVersion?: string }[] = [];
  private writes = 0;

  override async read(topic: string, version: string, objectVersion?: string): Promise<string> {
    this.readsOf.push({ version, ...(objectVersion === undefined ? {} : { objectVersion }) });
    return super.read(topic, version);
  }

  override async write(topic: string, version: string, body: string): Promise<{ readonly objectVersion?: string }> {
    await super.write(topic, version, body);
    this.writes += 1;
    return { objectVersion: `object-${this.writes}` };
  }
}

const setup = <C extends InMemoryTemplateContent = InMemoryTemplateContent>(
  content: C = new InMemoryTemplateContent() as C,
) => {
  const index = new RacingPromptIndex();
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

  it('stamps a template without created_at and created_by with now and the publisher, and keeps that stamp', async () => {
    const { registry, content } = setup();
    const { created_at: _at, created_by: _by, ...unstamped } = seedVersion('v1.6');

    const first = await registry.publish(TOPIC, unstamped, 'ana');
    const again = await registry.publish(TOPIC, unstamped, 'ben');
    const stored = JSON.parse(await content.read(TOPIC, 'v1.6')) as Record<string, unknown>;

    expect(first.created).toBe(true);
    expect(stored).toMatchObject({ created_at: '2026-11-21T09:00:00.000Z', created_by: 'ana' });
    expect(again).toMatchObject({ created: false, record: { createdBy: 'ana', checksum: first.record.checksum } });
  });

  it('keeps the created_at and created_by a template states', async () => {
    const { registry, content } = setup();

    await registry.publish(TOPIC, seedVersion('v1.7', { created_at: '2026-01-02', created_by: 'carol' }), 'ana');

    expect(JSON.parse(await content.read(TOPIC, 'v1.7'))).toMatchObject({
      created_at: '2026-01-02',
      created_by: 'carol',
    });
  });

  it("publishes under the template's own topic when no topic is expected (a file the CLI read from anywhere)", async () => {
    const { registry, index } = setup();

    const result = await registry.publish(undefined, JSON.stringify(seedVersion('v1.8')), 'ana');

    expect(result.record).toMatchObject({ topic: TOPIC, version: 'v1.8', status: 'valid' });
    expect(await index.version(TOPIC, 'v1.8')).toMatchObject({ status: 'valid' });
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

  it('compares the versions label names point at, and answers with those versions', async () => {
    const { registry } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.1'), 'ana', 'staging');

    const diff = await registry.diff(TOPIC, 'production', 'staging');

    expect(diff).toMatchObject({ from: 'v1.0', to: 'v1.1' });
    expect(diff.changedFields).toEqual(expect.arrayContaining(['version', 'system_prompt']));
  });
});

describe('PromptRegistry.resolve', () => {
  it('passes a version through and turns a label into the version it points at', async () => {
    const { registry } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');

    const resolved = [await registry.resolve(TOPIC, 'v7.3'), await registry.resolve(TOPIC, 'production')];

    expect(resolved).toEqual(['v7.3', 'v1.0']);
  });

  it('answers 404 for a label that points nowhere yet', async () => {
    const { registry } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');

    await expect(registry.resolve(TOPIC, 'staging')).rejects.toThrow(
      new NotFoundError(`${TOPIC} has no staging label`),
    );
  });
});

describe('PromptRegistry.version', () => {
  it('shows an invalid version with its problems and no template', async () => {
    const { registry, content } = setup();
    await content.write(TOPIC, 'v2.0', JSON.stringify({ ...seedVersion('v2.0'), variables: [] }));
    await registry.indexUpload(TOPIC, 'v2.0', undefined, 's3-upload');

    const shown = await registry.version(TOPIC, 'v2.0');

    expect(shown.template).toBeUndefined();
    expect(shown.record.status).toBe('invalid');
    expect(shown.record.problems.length).toBeGreaterThan(0);
  });

  it('shows no template for a valid version whose body in the bucket no longer validates', async () => {
    const { registry, content } = setup();
    await registry.publish(TOPIC, seedVersion('v1.1'), 'ana');
    await content.write(TOPIC, 'v1.1', '{"topic": "insights_generation"');

    const shown = await registry.version(TOPIC, 'v1.1');

    expect(shown).toEqual({ record: expect.objectContaining({ version: 'v1.1', status: 'valid' }) });
  });
});

describe('PromptRegistry on a versioned bucket', () => {
  it('records the object version a publish wrote and reads exactly that object back', async () => {
    const content = new VersionedTemplateContent();
    const { registry, index } = setup(content);

    await registry.publish(TOPIC, seedVersion('v1.1'), 'ana');
    const shown = await registry.version(TOPIC, 'v1.1');

    expect((await index.version(TOPIC, 'v1.1'))?.objectVersion).toBe('object-1');
    expect(shown.template?.version).toBe('v1.1');
    expect(content.readsOf).toEqual([{ version: 'v1.1', objectVersion: 'object-1' }]);
  });

  it('records the object version named by the bucket event of a dropped file', async () => {
    const { registry, content, index } = setup();
    await content.write(TOPIC, 'v2.1', JSON.stringify(seedVersion('v2.1')));

    await registry.indexUpload(TOPIC, 'v2.1', 'object-7', 's3-upload');

    expect(await index.version(TOPIC, 'v2.1')).toMatchObject({ status: 'valid', objectVersion: 'object-7' });
  });
});

describe('PromptRegistry when two admins race', () => {
  it('refuses a label move when another admin moved the label first, keeping their move', async () => {
    const { registry, index } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.1'), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.2'), 'ana');
    index.beforeNextPut = () => registry.moveLabel(TOPIC, 'production', 'v1.2', 'ben');

    const ours = registry.moveLabel(TOPIC, 'production', 'v1.1', 'cy');

    await expect(ours).rejects.toBeInstanceOf(ConflictError);
    expect(await index.label(TOPIC, 'production')).toMatchObject({ version: 'v1.2', movedBy: 'ben' });
  });

  it('refuses a rollback when production moved meanwhile, keeping that move', async () => {
    const { registry, index } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.1'), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.2'), 'ana');
    await registry.moveLabel(TOPIC, 'production', 'v1.1', 'ana');
    index.beforeNextPut = () => registry.moveLabel(TOPIC, 'production', 'v1.2', 'ben');

    const rollback = registry.rollback(TOPIC, 'cy');

    await expect(rollback).rejects.toBeInstanceOf(ConflictError);
    expect((await index.label(TOPIC, 'production'))?.version).toBe('v1.2');
  });
});

describe('PromptRegistry.indexUpload after an interrupted publish', () => {
  it('completes a version left pending when its content was written but the index update failed', async () => {
    const { registry, index } = setup();
    jest.spyOn(index, 'completeVersion').mockRejectedValueOnce(new Error('index unreachable'));
    await expect(registry.publish(TOPIC, seedVersion('v1.4'), 'ana')).rejects.toThrow('index unreachable');
    const pending = await index.version(TOPIC, 'v1.4');

    const outcome = await registry.indexUpload(TOPIC, 'v1.4', undefined, 's3-upload');

    expect(pending?.status).toBe('pending');
    expect(outcome).toBe('already_indexed');
    expect(await index.version(TOPIC, 'v1.4')).toMatchObject({ status: 'valid', createdBy: 'ana' });
  });
});

describe('PromptRegistry.diff of versions that are not valid', () => {
  it.each([
    ['from', 'v2.0', 'v1.0', [{ field: 'from', message: 'v2.0 is invalid' }]],
    ['to', 'v1.0', 'v2.0', [{ field: 'to', message: 'v2.0 is invalid' }]],
    [
      'both',
      'v2.0',
      'v2.0',
      [
        { field: 'from', message: 'v2.0 is invalid' },
        { field: 'to', message: 'v2.0 is invalid' },
      ],
    ],
  ])('refuses to compare and names the invalid side (%s)', async (_side, from, to, problems) => {
    const { registry, content } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await content.write(TOPIC, 'v2.0', JSON.stringify({ ...seedVersion('v2.0'), variables: [] }));
    await registry.indexUpload(TOPIC, 'v2.0', undefined, 's3-upload');

    const diff = registry.diff(TOPIC, from, to);

    await expect(diff).rejects.toBeInstanceOf(UnprocessableError);
    await expect(diff).rejects.toMatchObject({ problems });
  });
});

describe('PromptRegistry.topics and versions', () => {
  it('lists each topic with its labels, its count and its newest version by number (v1.10 after v1.9)', async () => {
    const { registry } = setup();
    await registry.publish(TOPIC, seedTemplate(), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.9'), 'ana');
    await registry.publish(TOPIC, seedVersion('v1.10'), 'ana', 'staging');

    const topics = await registry.topics();

    expect(topics).toEqual([
      { topic: TOPIC, labels: { production: 'v1.0', staging: 'v1.10' }, latestVersion: 'v1.10', versions: 3 },
    ]);
  });

  it("lists a topic's versions newest first and answers 404 for a topic with none", async () => {
    const { registry } = setup();
    for (const version of ['v1.9', 'v2.0', 'v1.10']) await registry.publish(TOPIC, seedVersion(version), 'ana');

    const listed = await registry.versions(TOPIC);

    expect(listed.versions.map((record) => record.version)).toEqual(['v2.0', 'v1.10', 'v1.9']);
    await expect(registry.versions('no_such_topic')).rejects.toBeInstanceOf(NotFoundError);
  });
});
