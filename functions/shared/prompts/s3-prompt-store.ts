import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
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
