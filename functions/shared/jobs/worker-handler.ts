import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { serviceTokens } from '../adapters';
import { serviceCaller } from '../caller';
import { startInvocation, type Invocation } from '../invocation';
import { logger, publishingMetrics } from '../observability';
import { invocationAnnotations, traceInvocation } from '../tracing';
import { jobMessageSchema, type JobMessage } from './model';
import type { WorkerDefinition } from './worker-definition';

/** What a job leaves before the worker's own limit, to record its outcome instead of being cut off. */
const DEADLINE_MARGIN_MS = 10_000;

/**
 * A job queue's worker handler (SQS, partial batch failures through Powertools Batch): each message is one tenant's
 * job, run by `run` as the service (`serviceName`, with the service's token) on the worker's deadline, traced and
 * logged with its tenant, correlation id and job id. A job's own failures are recorded by `run` on the job; only
 * failures to record them (e.g. DynamoDB unreachable) make the message fail and come back.
 */
export const jobWorkerHandler = (
  worker: Pick<WorkerDefinition, 'id'>,
  serviceName: string,
  run: (invocation: Invocation, message: JobMessage) => Promise<string>,
) => {
  const tokens = serviceTokens();
  const processor = new BatchProcessor(EventType.SQS);
  return publishingMetrics(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const message = jobMessageSchema.parse(JSON.parse(record.body));
        const correlationId = `job:${message.jobId}`;
        const scope = startInvocation({
          caller: serviceCaller(message.tenantId, serviceName, await tokens.token()),
          correlationId,
          log: logger.createChild({
            persistentKeys: { tenantId: message.tenantId, correlationId, jobId: message.jobId },
          }),
          deadlineAt: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
        });
        try {
          const outcome = await traceInvocation(worker.id, invocationAnnotations(scope.invocation), () =>
            run(scope.invocation, message),
          );
          scope.invocation.log.info('job handled', { worker: worker.id, outcome });
        } finally {
          await scope.settle();
        }
      },
      processor,
      { context },
    ),
  );
};
