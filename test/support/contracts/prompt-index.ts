import { CorruptItemError } from '../../../functions/shared/errors';
import type { LabelRecord, PromptIndex, PromptVersionRecord } from '../../../functions/shared/prompts/prompt-index';
import type { StoredItems } from './dynalite';

/** What the contract runs against: an index on empty storage, and hand edits of its items if it stores any. */
export interface PromptIndexSubject {
  create(): Promise<PromptIndex>;
  /** The stored items of the index `create` made last (an adapter's; the in-memory twin has none). */
  readonly storedItems?: () => StoredItems;
}

const TOPIC = 'insights_generation';

const aVersion = (version: string, overrides: Partial<PromptVersionRecord> = {}): PromptVersionRecord => ({
  topic: TOPIC,
  version,
  status: 'pending',
  problems: [],
  checksum: `sha-${version}`,
  title: `Insights ${version}`,
  createdBy: 'ana',
  createdAt: '2026-11-21T09:00:00.000Z',
  ...overrides,
});

const aLabel = (version: string, overrides: Partial<LabelRecord> = {}): LabelRecord => ({
  topic: TOPIC,
  label: 'production',
  version,
  movedBy: 'ana',
  movedAt: '2026-11-21T09:00:00.000Z',
  history: [],
  ...overrides,
});

/**
 * The PromptIndex contract: the same cases for the DynamoDB adapter and its in-memory twin, so the twin the unit
 * tests use behaves as production does. Templates are global: keys are per topic, not per tenant. Each case starts on
 * empty storage.
 */
export const promptIndexContract = (name: string, subject: PromptIndexSubject): void =>
  describe(`${name} (PromptIndex contract)`, () => {
    let index: PromptIndex;

    beforeEach(async () => {
      index = await subject.create();
    });

    describe('versions', () => {
      it('are none at first', async () => {
        expect(await index.topics()).toEqual([]);
        expect(await index.versions(TOPIC)).toEqual([]);
        expect(await index.version(TOPIC, 'v1.0')).toBeUndefined();
      });

      it('are created by a first claim, which lists their topic (topics in name order)', async () => {
        const claimed = aVersion('v1.0', { objectVersion: 'obj-1' });

        const claim = await index.claimVersion(claimed);
        await index.claimVersion(aVersion('v1.0', { topic: 'assistant_reply' }));

        expect(claim).toBe('created');
        expect(await index.version(TOPIC, 'v1.0')).toEqual(claimed);
        expect(await index.topics()).toEqual(['assistant_reply', TOPIC]);
      });

      it('already claimed are reported as the same or different content, and stay as they were', async () => {
        await index.claimVersion(aVersion('v1.0'));

        const same = await index.claimVersion(aVersion('v1.0', { createdBy: 'ben' }));
        const different = await index.claimVersion(aVersion('v1.0', { checksum: 'sha-other', createdBy: 'ben' }));

        expect([same, different]).toEqual(['same_content', 'different_content']);
        expect(await index.version(TOPIC, 'v1.0')).toEqual(aVersion('v1.0'));
      });

      it('that are invalid are replaced by the next claim: they never served', async () => {
        await index.claimVersion(aVersion('v1.0', { status: 'invalid', problems: [{ field: 'x', message: 'bad' }] }));

        const claim = await index.claimVersion(aVersion('v1.0', { checksum: 'sha-fixed' }));

        expect(claim).toBe('created');
        expect(await index.version(TOPIC, 'v1.0')).toEqual(aVersion('v1.0', { checksum: 'sha-fixed' }));
      });

      it('go to exactly one of two concurrent claims', async () => {
        const claims = await Promise.all([
          index.claimVersion(aVersion('v1.0', { checksum: 'sha-a' })),
          index.claimVersion(aVersion('v1.0', { checksum: 'sha-b' })),
        ]);

        expect(claims.sort()).toEqual(['created', 'different_content']);
      });

      it('are completed in status, problems and object version only', async () => {
        await index.claimVersion(aVersion('v1.0'));

        await index.completeVersion(
          aVersion('v1.0', { status: 'valid', objectVersion: 'obj-2', createdBy: 'ben', title: 'Renamed' }),
        );

        expect(await index.version(TOPIC, 'v1.0')).toEqual(
          aVersion('v1.0', { status: 'valid', objectVersion: 'obj-2' }),
        );
      });

      it('completed without an object version lose the earlier one', async () => {
        await index.claimVersion(aVersion('v1.0', { objectVersion: 'obj-1' }));

        await index.completeVersion(aVersion('v1.0', { status: 'valid' }));

        const completed = await index.version(TOPIC, 'v1.0');
        expect(completed).toEqual(aVersion('v1.0', { status: 'valid' }));
        expect(completed).not.toHaveProperty('objectVersion');
      });

      it('are not completed when absent or claimed with another checksum: that fails as a refused write', async () => {
        await index.claimVersion(aVersion('v1.0'));

        const refused = (record: PromptVersionRecord): Promise<unknown> =>
          index.completeVersion(record).then(
            () => 'completed',
            (error: unknown) => error,
          );

        const otherChecksum = await refused(aVersion('v1.0', { status: 'valid', checksum: 'sha-other' }));
        const absent = await refused(aVersion('v2.0', { status: 'valid' }));

        expect(otherChecksum).toMatchObject({ name: 'ConditionalCheckFailedException' });
        expect(absent).toMatchObject({ name: 'ConditionalCheckFailedException' });
        expect(await index.version(TOPIC, 'v1.0')).toEqual(aVersion('v1.0'));
        expect(await index.version(TOPIC, 'v2.0')).toBeUndefined();
      });

      it('are listed in key order (by name as text: callers sort by version number)', async () => {
        for (const version of ['v1.9', 'v2.0', 'v1.10', 'v1.2']) await index.claimVersion(aVersion(version));

        const versions = await index.versions(TOPIC);

        expect(versions.map((record) => record.version)).toEqual(['v1.10', 'v1.2', 'v1.9', 'v2.0']);
      });

      it("are per topic: one topic's versions and labels never show under another", async () => {
        await index.claimVersion(aVersion('v1.0'));
        await index.putLabel(aLabel('v1.0'), undefined);

        expect(await index.versions('assistant_reply')).toEqual([]);
        expect(await index.version('assistant_reply', 'v1.0')).toBeUndefined();
        expect(await index.labels('assistant_reply')).toEqual([]);
        expect(await index.label('assistant_reply', 'production')).toBeUndefined();
      });
    });

    describe('labels', () => {
      it('are written first only where there is none, then only from the version they point at', async () => {
        const first = await index.putLabel(aLabel('v1.0'), undefined);
        const secondFirst = await index.putLabel(aLabel('v0.9'), undefined);
        const moved = aLabel('v1.1', { movedBy: 'ben', history: [{ version: 'v1.0', movedBy: 'ana', movedAt: 'x' }] });
        const fromWrongVersion = await index.putLabel(moved, 'v0.9');
        const fromRightVersion = await index.putLabel(moved, 'v1.0');

        expect([first, secondFirst, fromWrongVersion, fromRightVersion]).toEqual([true, false, false, true]);
        expect(await index.label(TOPIC, 'production')).toEqual(moved);
      });

      it('move for exactly one of two concurrent movers from the same version', async () => {
        await index.putLabel(aLabel('v1.0'), undefined);

        const moves = await Promise.all([
          index.putLabel(aLabel('v1.1'), 'v1.0'),
          index.putLabel(aLabel('v1.2'), 'v1.0'),
        ]);

        expect(moves.filter(Boolean)).toHaveLength(1);
        expect((await index.label(TOPIC, 'production'))?.version).toBe(moves[0] ? 'v1.1' : 'v1.2');
      });

      it('are listed in label order', async () => {
        await index.putLabel(aLabel('v1.1', { label: 'staging' }), undefined);
        await index.putLabel(aLabel('v1.0'), undefined);

        const labels = await index.labels(TOPIC);

        expect(labels).toEqual([aLabel('v1.0'), aLabel('v1.1', { label: 'staging' })]);
      });
    });

    const { storedItems } = subject;
    if (storedItems) {
      describe('stored items that do not match the read schema', () => {
        it('fail the reads of a version of an unknown status', async () => {
          await index.claimVersion(aVersion('v1.0'));
          const edited = await storedItems().edit(
            (item) => item.version === 'v1.0' && item.checksum !== undefined,
            (item) => ({ ...item, status: 'approved' }),
          );

          expect(edited).toBe(1);
          await expect(index.version(TOPIC, 'v1.0')).rejects.toBeInstanceOf(CorruptItemError);
          await expect(index.versions(TOPIC)).rejects.toBeInstanceOf(CorruptItemError);
        });

        it('fail the reads of a label that lost its history', async () => {
          await index.putLabel(aLabel('v1.0'), undefined);
          const edited = await storedItems().edit(
            (item) => item.label === 'production',
            ({ history: _history, ...item }) => item,
          );

          expect(edited).toBe(1);
          await expect(index.label(TOPIC, 'production')).rejects.toBeInstanceOf(CorruptItemError);
          await expect(index.labels(TOPIC)).rejects.toBeInstanceOf(CorruptItemError);
        });

        it('fail the topic list when an entry names no topic', async () => {
          await index.claimVersion(aVersion('v1.0'));
          const edited = await storedItems().edit(
            (item) => item.topic === TOPIC && item.version === undefined,
            ({ topic: _topic, ...item }) => item,
          );

          expect(edited).toBe(1);
          await expect(index.topics()).rejects.toBeInstanceOf(CorruptItemError);
        });
      });
    }
  });
