import type { Context, EventBridgeEvent } from 'aws-lambda';
import { serviceCaller } from '../../shared/caller';
import { UnprocessableError } from '../../shared/errors';
import { startInvocation } from '../../shared/invocation';
import { logger, publishingMetrics } from '../../shared/observability';
import * as z from '../../shared/zod';
import { activityLoggedSchema, type ACTIVITY_LOGGED } from '../events';
import type { IngestResult } from '../model';
import { nudgeService } from '../wiring';

const service = nudgeService();

/** What became of one event: recorded (with its nudges), a duplicate, or refused (logged, not retried). */
export type IngestOutcome = 'recorded' | 'duplicate' | 'refused';

/**
 * The EventBridge rule's target for `ActivityLogged` events from other services: records the activity and raises its
 * reactive nudges as `POST /coach/activity` does. An event that is not a valid activity is logged and dropped (a retry
 * would fail the same way); any other failure throws, so Lambda retries it and then sends it to the failed-events queue.
 */
export const handler = publishingMetrics(
  async (event: EventBridgeEvent<typeof ACTIVITY_LOGGED, unknown>, context: Context): Promise<IngestOutcome> => {
    const parsed = activityLoggedSchema.safeParse(event.detail);
    if (!parsed.success) {
      logger.warn('ActivityLogged event refused', { eventId: event.id, problems: z.prettifyError(parsed.error) });
      return 'refused';
    }
    const { tenantId, userId, ...activity } = parsed.data;
    const correlationId = `event:${event.id}`;
    const scope = startInvocation({
      caller: serviceCaller(tenantId, userId, ''),
      correlationId,
      log: logger.createChild({ persistentKeys: { tenantId, userId, correlationId } }),
      deadlineAt: Date.now() + context.getRemainingTimeInMillis() - 1_000,
    });
    try {
      const result: IngestResult = await service.ingest(scope.invocation, {
        ...activity,
        eventId: activity.eventId ?? event.id,
        occurredAt: activity.occurredAt ?? event.time,
      });
      return result.duplicate ? 'duplicate' : 'recorded';
    } catch (error) {
      if (!(error instanceof UnprocessableError)) throw error;
      scope.invocation.log.warn('ActivityLogged event refused', { eventId: event.id, problems: error.problems });
      return 'refused';
    } finally {
      await scope.settle();
    }
  },
);
