import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { startFakeBedrock, type FakeBedrock } from '../../../local/fake-bedrock';
import { startTestApi, type TestApi } from '../../support/local-api';
import { goodAnswer } from './model-answers';

const BUCKET = 'coaching-prompts';
const seed = JSON.parse(readFileSync(join(__dirname, '../../../prompts/insights_generation/v1.0.json'), 'utf8'));

let s3: S3rver;
let bedrock: FakeBedrock;
let api: TestApi;

beforeAll(async () => {
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: mkdtempSync(join(tmpdir(), 's3rver-')),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const newer = {
    ...seed,
    version: 'v1.1',
    system_prompt: `${seed.system_prompt}\nKeep every description under three sentences.`,
    model: { id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.1, max_tokens: 2048 },
  };
  for (const template of [seed, newer]) {
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `insights_generation/${template.version}.json`, Body: JSON.stringify(template) }),
    );
  }
  client.destroy();

  bedrock = await startFakeBedrock();
  bedrock.setDefault(() => ({ toolInput: goodAnswer() }));
  api = await startTestApi({
    LLM_PROVIDER: 'bedrock',
    BEDROCK_ENDPOINT: bedrock.endpoint,
    PROMPTS_BUCKET: BUCKET,
    S3_ENDPOINT: endpoint,
  });
});

afterAll(async () => {
  await api.close();
  await bedrock.close();
  await s3.close();
});

describe('prompts from the S3 bucket', () => {
  it("generates with the bucket's newest template and its model settings, and records the version", async () => {
    const token = await api.token('northwind-saas');

    const response = await api.call('GET', '/insights', { token });

    const request = bedrock.requests[0]!;
    expect(response.json.provenance).toMatchObject({ promptVersion: 'v1.1', modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(request.modelId).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(request.body.inferenceConfig).toEqual({ temperature: 0.1, maxTokens: 2048 });
    expect(JSON.stringify(request.body.system)).toContain('under three sentences');
  });
});
