import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { serviceTokens } from '../../shared/adapters';
import { serviceCaller } from '../../shared/caller';
import { startInvocation } from '../../shared/invocation';
import { jobMessageSchema } from '../../shared/jobs/model';
import { logger, publishingMetrics } from '../../shared/observability';
import { invocationAnnotations, traceInvocation } from '../../shared/tracing';
import { insightsService } from '../wiring';
import { insightJobsWorker } from '../workers';

const service = insightsService();
const tokens = serviceTokens();
const processor = new BatchProcessor(EventType.SQS);

/** What a job leaves before the worker's own limit, to record its outcome instead of being cut off. */
const DEADLINE_MARGIN_MS = 10_000;

/**
 * The on-demand generation worker (SQS, partial batch failures through Powertools Batch): each message is one
 * tenant's job, run with the service's token and the worker's deadline, traced with its tenant and correlation id. A
 * job's own failures are recorded on the job; only failures to record them (e.g. DynamoDB unreachable) make the
 * message fail and come back.
 */
export const handler = publishingMetrics(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const message = jobMessageSchema.parse(JSON.parse(record.body));
      const correlationId = `job:${message.jobId}`;
      const scope = startInvocation({
        caller: serviceCaller(message.tenantId, 'insights-job', await tokens.token()),
        correlationId,
        log: logger.createChild({
          persistentKeys: { tenantId: message.tenantId, correlationId, jobId: message.jobId },
        }),
        deadlineAt: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
      });
      try {
        const outcome = await traceInvocation(insightJobsWorker.id, invocationAnnotations(scope.invocation), () =>
          service.runJob(scope.invocation, message),
        );
        scope.invocation.log.info('insights job handled', { outcome });
      } finally {
        await scope.settle();
      }
    },
    processor,
    { context },
  ),
);
