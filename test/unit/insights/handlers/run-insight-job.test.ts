import '../../../support/lambda-env';
import type { Context, SQSEvent } from 'aws-lambda';
import { handler } from '../../../../functions/insights/handlers/run-insight-job';
import { Tracer } from '../../../support/fake-tracer';

jest.mock('@aws-lambda-powertools/tracer', () => jest.requireActual('../../../support/fake-tracer'));
jest.mock('../../../../functions/shared/adapters', () => ({
  serviceTokens: () => ({ token: async () => 'service-token' }),
}));
const runJob = jest.fn();
// The worker builds its service at load: the mock's method reaches `runJob` only when it is called.
jest.mock('../../../../functions/insights/wiring', () => ({
  insightsService: () => ({ runJob: (...args: unknown[]) => runJob(...args) }),
}));

/** The insights job worker in Lambda: each job is traced with its tenant and correlation id. */
const jobEvent = (jobId: string): SQSEvent =>
  ({
    Records: [
      {
        messageId: `m-${jobId}`,
        body: JSON.stringify({ jobId, tenantId: 'brightside-dental', kind: 'insights' }),
        eventSource: 'aws:sqs',
        attributes: {},
      },
    ],
  }) as unknown as SQSEvent;

const context = { getRemainingTimeInMillis: () => 300_000, awsRequestId: 'r-1' } as unknown as Context;
const jobSegment = (jobId: string) =>
  Tracer.instances[0]?.lambdaSegment.subsegments.find(
    (segment) => segment.annotations.correlationId === `job:${jobId}`,
  );

it("traces a job as `## InsightJobs`, with the job's tenant and correlation id, closed once it is handled", async () => {
  runJob.mockResolvedValueOnce('done');

  const result = await handler(jobEvent('j-1'), context);

  expect(result.batchItemFailures).toEqual([]);
  expect(jobSegment('j-1')).toMatchObject({
    name: '## InsightJobs',
    annotations: { tenantId: 'brightside-dental', correlationId: 'job:j-1' },
    closed: true,
  });
});

it('closes the subsegment of a job that could not be recorded with its error (the message comes back)', async () => {
  runJob.mockRejectedValueOnce(new Error('DynamoDB unreachable'));

  // Its only record failed: Powertools Batch fails the whole batch, so SQS delivers it again.
  await expect(handler(jobEvent('j-2'), context)).rejects.toThrow('All records failed processing');

  expect(jobSegment('j-2')).toMatchObject({ closed: true, faultFlag: true });
  expect(jobSegment('j-2')?.errors.map((error) => error.message)).toEqual(['DynamoDB unreachable']);
});
