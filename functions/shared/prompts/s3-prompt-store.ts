import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import type { LogSink } from '../observability';
import type { PromptStore, PromptTemplate } from './template';
import { loadNewestValid, versionFromFileName } from './versions';

/** Serves templates from the prompts bucket, `s3://<bucket>/<topic>/<version>.json`. */
export class S3PromptStore implements PromptStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly log: LogSink,
  ) {}

  async active(topic: string): Promise<PromptTemplate> {
    const versions: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${topic}/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const version = versionFromFileName(object.Key ?? '');
        if (version && object.Key === `${topic}/${version}.json`) versions.push(version);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return loadNewestValid(
      topic,
      versions,
      async (version) => {
        const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${topic}/${version}.json` }));
        return (await object.Body?.transformToString('utf8')) ?? '';
      },
      (version, error) => this.log.warn('skipping invalid prompt template', { topic, version, error: String(error) }),
    );
  }
}

/** The S3 prompt store of a bucket; S3_ENDPOINT points it at a local S3 (s3rver). */
export const createS3PromptStore = (
  cfg: Pick<Config, 'AWS_REGION' | 'S3_ENDPOINT'>,
  bucket: string,
  log: LogSink,
): S3PromptStore => {
  const client = new S3Client({
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
  return new S3PromptStore(client, bucket, log);
};
