import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { PromptUnavailableError } from '../../../functions/shared/prompts/errors';
import { S3PromptStore } from '../../../functions/shared/prompts/s3-prompt-store';

const BUCKET = 'prompts';
const seed = JSON.parse(readFileSync(join(__dirname, '../../../prompts/insights_generation/v1.0.json'), 'utf8'));
const warnings: unknown[] = [];
const log = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (...args: unknown[]) => warnings.push(args) };

let server: S3rver;
let client: S3Client;

const put = (key: string, body: unknown): Promise<unknown> =>
  client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: typeof body === 'string' ? body : JSON.stringify(body) }));

beforeAll(async () => {
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: mkdtempSync(join(tmpdir(), 's3rver-')),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  client = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

describe('S3PromptStore against s3rver', () => {
  it('serves the newest valid version, skipping a newer broken one', async () => {
    await put('insights_generation/v1.0.json', seed);
    await put('insights_generation/v1.10.json', { ...seed, version: 'v1.10', system_prompt: 'Newest valid.' });
    await put('insights_generation/v1.9.json', { ...seed, version: 'v1.9' });
    await put('insights_generation/v2.0.json', '{ "topic": "insights_generation", "version": "v2.0"');
    await put('insights_generation/notes.txt', 'not a template');

    const template = await new S3PromptStore(client, BUCKET, log).active('insights_generation');

    expect(template.version).toBe('v1.10');
    expect(template.system_prompt).toBe('Newest valid.');
    expect(JSON.stringify(warnings)).toContain('v2.0');
  });

  it('rejects a file whose body names another version', async () => {
    await put('other_topic/v1.0.json', { ...seed, topic: 'other_topic', version: 'v9.9' });

    await expect(new S3PromptStore(client, BUCKET, log).active('other_topic')).rejects.toBeInstanceOf(
      PromptUnavailableError,
    );
  });

  it('fails with prompt_unavailable for a topic with no templates', async () => {
    await expect(new S3PromptStore(client, BUCKET, log).active('missing_topic')).rejects.toBeInstanceOf(
      PromptUnavailableError,
    );
  });
});
