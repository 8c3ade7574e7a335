import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { templateKey, type TemplateContent } from './template-content';

/** Template bodies in the prompts bucket. */
export class S3TemplateContent implements TemplateContent {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async read(topic: string, version: string, objectVersion?: string): Promise<string> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: templateKey(topic, version), VersionId: objectVersion }),
    );
    return (await object.Body?.transformToString('utf8')) ?? '';
  }

  async write(topic: string, version: string, body: string): Promise<{ readonly objectVersion?: string }> {
    const { VersionId } = await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: templateKey(topic, version),
        Body: body,
        ContentType: 'application/json',
      }),
    );
    return VersionId ? { objectVersion: VersionId } : {};
  }
}

/** An S3 client for the prompts bucket; S3_ENDPOINT points it at a local S3 (s3rver). */
export const createS3Client = (cfg: Pick<Config, 'AWS_REGION' | 'S3_ENDPOINT'>): S3Client =>
  new S3Client({
    region: cfg.AWS_REGION,
    ...(cfg.S3_ENDPOINT
      ? {
          endpoint: cfg.S3_ENDPOINT,
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          // s3rver stores aws-chunked bodies verbatim; checksums only where S3 requires them.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
