import type { TemplateContent } from '../../../functions/shared/prompts/template-content';

const TOPIC = 'insights_generation';

/**
 * The TemplateContent contract: the same cases for the S3 adapter (an unversioned bucket) and its in-memory twin.
 * `create` gives content on an empty bucket.
 */
export const templateContentContract = (name: string, create: () => Promise<TemplateContent>): void =>
  describe(`${name} (TemplateContent contract)`, () => {
    let content: TemplateContent;

    beforeEach(async () => {
      content = await create();
    });

    it('reads back what was written, character for character, naming no object version', async () => {
      const body = '{\n  "system_prompt": "Grüße — coach ✓"\n}\n';

      const written = await content.write(TOPIC, 'v1.0', body);

      expect(written).toEqual({});
      expect(await content.read(TOPIC, 'v1.0')).toBe(body);
    });

    it('replaces a version on a write, and keeps each topic and version to itself', async () => {
      await content.write(TOPIC, 'v1.0', 'first');
      await content.write(TOPIC, 'v1.1', 'other version');
      await content.write('assistant_reply', 'v1.0', 'other topic');

      await content.write(TOPIC, 'v1.0', 'second');

      expect(await content.read(TOPIC, 'v1.0')).toBe('second');
      expect(await content.read(TOPIC, 'v1.1')).toBe('other version');
      expect(await content.read('assistant_reply', 'v1.0')).toBe('other topic');
    });

    it('fails a read of a version that was never written as NoSuchKey', async () => {
      await content.write(TOPIC, 'v1.0', 'first');

      await expect(content.read(TOPIC, 'v2.0')).rejects.toMatchObject({ name: 'NoSuchKey' });
    });
  });
