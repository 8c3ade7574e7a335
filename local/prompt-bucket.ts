import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { once } from '../functions/shared/once';
import { createS3Client } from '../functions/shared/prompts/s3-template-content';

/** A local S3 (s3rver) holding the prompts bucket, wired to the bucket's upload handler like the S3 event is. */
export interface LocalPromptBucket {
  readonly endpoint: string;
  readonly bucket: string;
  /** Resolves once every upload so far has been handled (indexed). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Starts s3rver on loopback with an empty bucket in a fresh temporary folder. */
export const startPromptBucket = async (
  bucket: string,
  onUpload: (event: S3Event) => Promise<void>,
): Promise<LocalPromptBucket> => {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: mkdtempSync(join(tmpdir(), 'coaching-prompts-')),
    configureBuckets: [{ name: bucket }],
  });
  const handled: Promise<void>[] = [];
  (server as unknown as NodeJS.EventEmitter).on('event', (event: S3Event) => {
    handled.push(onUpload(event).catch((error: unknown) => console.error('prompt upload handler failed', error)));
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    settled: async () => {
      await Promise.all(handled);
    },
    close: once(async () => {
      // The SDK keeps connections alive; without closing them, the server would wait for them forever.
      (server as unknown as { httpServer?: { closeAllConnections(): void } }).httpServer?.closeAllConnections();
      await server.close();
    }),
  };
};

/**
 * Uploads every `<dir>/<topic>/<version>.json` to the bucket, as the stack's BucketDeployment does; the upload
 * handler indexes each one (valid files marked `"is_active": true` take the production label).
 */
export const seedPromptBucket = async (target: LocalPromptBucket, dir: string): Promise<number> => {
  const client = createS3Client({ S3_ENDPOINT: target.endpoint, AWS_REGION: 'us-east-1' });
  let count = 0;
  try {
    for (const topic of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      for (const file of readdirSync(join(dir, topic.name))
        .filter((name) => name.endsWith('.json'))
        .sort()) {
        await client.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: `${topic.name}/${file}`,
            Body: readFileSync(join(dir, topic.name, file), 'utf8'),
            ContentType: 'application/json',
          }),
        );
        count += 1;
      }
    }
  } finally {
    client.destroy();
  }
  await target.settled();
  return count;
};
