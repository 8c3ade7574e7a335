import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';

/** Where template bodies live: `<topic>/<version>.json`. */
export interface TemplateContent {
  /** The JSON text of a version; `objectVersion` pins the exact object when the bucket is versioned. */
  read(topic: string, version: string, objectVersion?: string): Promise<string>;
  /** Writes a version's JSON text; returns the object version when the bucket is versioned. */
  write(topic: string, version: string, body: string): Promise<{ readonly objectVersion?: string }>;
}

/** The object key of a template version. */
export const templateKey = (topic: string, version: string): string => `${topic}/${version}.json`;

/** The topic and version an object key names, if it names a template (`<topic>/vX.Y.json`). */
export const parseTemplateKey = (key: string): { topic: string; version: string } | undefined => {
  const match = /^([a-z][a-z0-9_]{1,63})\/(v\d{1,4}\.\d{1,4})\.json$/.exec(key);
  return match ? { topic: match[1] as string, version: match[2] as string } : undefined;
};

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

/**
 * TemplateContent in memory, as an unversioned bucket (the contract suite runs the same cases on it and on S3): a
 * write replaces the body and names no object version, a read of a missing key fails as S3's NoSuchKey does. Test
 * hooks: while `failing` is set, every call fails as an unreachable bucket would; `reads` counts reads.
 */
export class InMemoryTemplateContent implements TemplateContent {
  private readonly bodies = new Map<string, string>();
  /** Test hook: every call fails while set. */
  failing = false;
  /** Test hook: how many reads were attempted. */
  reads = 0;

  async read(topic: string, version: string): Promise<string> {
    this.reads += 1;
    this.check();
    const body = this.bodies.get(templateKey(topic, version));
    if (body === undefined)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return body;
  }

  async write(topic: string, version: string, body: string): Promise<{ readonly objectVersion?: string }> {
    this.check();
    this.bodies.set(templateKey(topic, version), body);
    return {};
  }

  private check(): void {
    if (this.failing) throw new Error('bucket unreachable');
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
