import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client, S3TemplateContent } from '../../../../functions/shared/prompts/s3-template-content';
import { InMemoryTemplateContent } from '../../../../functions/shared/prompts/template-content';
import { startPromptBucket, type LocalPromptBucket } from '../../../../local/prompt-bucket';
import { templateContentContract } from '../../../support/contracts/template-content';

let bucket: LocalPromptBucket;
let client: S3Client;
let buckets = 0;

beforeAll(async () => {
  bucket = await startPromptBucket('contract-0', async () => undefined);
  client = createS3Client({ AWS_REGION: 'us-east-1', S3_ENDPOINT: bucket.endpoint });
});

afterAll(async () => {
  client.destroy();
  await bucket.close();
});

templateContentContract('InMemoryTemplateContent', async () => new InMemoryTemplateContent());

templateContentContract('S3TemplateContent on s3rver', async () => {
  buckets += 1;
  const name = `contract-${buckets}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return new S3TemplateContent(client, name);
});
