import '../../../support/lambda-env';
import type { S3Event } from 'aws-lambda';
import { handler } from '../../../../functions/prompt-admin/handlers/index-uploaded-template';
import { Tracer } from '../../../support/fake-tracer';

jest.mock('@aws-lambda-powertools/tracer', () => jest.requireActual('../../../support/fake-tracer'));
const indexUpload = jest.fn();
// The handler builds its registry at load: the mock's method reaches `indexUpload` only when it is called.
jest.mock('../../../../functions/prompt-admin/wiring', () => ({
  promptRegistry: () => ({ indexUpload: (...args: unknown[]) => indexUpload(...args) }),
}));

/** The prompt validator in Lambda: each uploaded template is traced with its topic and version. */
const upload = (key: string): S3Event =>
  ({ Records: [{ s3: { object: { key, versionId: 'v-obj-1' } } }] }) as unknown as S3Event;

it('traces each upload as `## Prompt upload`, with its topic and version, closed also when indexing fails', async () => {
  indexUpload.mockResolvedValueOnce('indexed').mockRejectedValueOnce(new Error('index unreachable'));

  await handler(upload('core_values/v1.2.json'));
  await expect(handler(upload('vision/v2.0.json'))).rejects.toThrow('index unreachable');

  const segments = Tracer.instances[0]?.lambdaSegment.subsegments ?? [];
  expect(segments.map((segment) => [segment.name, segment.annotations, segment.closed, segment.faultFlag])).toEqual([
    [
      '## Prompt upload',
      { ColdStart: true, Service: 'coaching-service', promptTopic: 'core_values', promptVersion: 'v1.2' },
      true,
      false,
    ],
    [
      '## Prompt upload',
      { ColdStart: false, Service: 'coaching-service', promptTopic: 'vision', promptVersion: 'v2.0' },
      true,
      true,
    ],
  ]);
});
