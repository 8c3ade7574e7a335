import type { Context } from 'aws-lambda';
import { serviceTokens } from '../../shared/adapters';
import { serviceCaller } from '../../shared/caller';
import { startInvocation } from '../../shared/invocation';
import { logger, publishingMetrics } from '../../shared/observability';
import { nudgeService } from '../wiring';

const service = nudgeService();
const tokens = serviceTokens();

/** What a user's evaluation leaves before the function's limit (the rest of the users wait for the next hour). */
const USER_MARGIN_MS = 5_000;

/** How one scheduled run went. */
export interface ScheduleRun {
  readonly users: number;
  readonly evaluated: number;
  readonly raised: number;
  readonly failed: number;
}

/**
 * The hourly schedule's target: raises the time and pattern nudges of the users active in the last 7 days, at most
 * NUDGE_SCHEDULE_MAX_USERS of them per run and only while time is left (users one run does not reach are
 * evaluated on their next read, and by the next run). Goals are read with the service's own token.
 */
export const handler = publishingMetrics(async (_event: unknown, context: Context): Promise<ScheduleRun> => {
  const now = new Date();
  const users = await service.dueUsers(now);
  const token = await tokens.token();
  let evaluated = 0;
  let raised = 0;
  let failed = 0;
  for (const user of users) {
    if (context.getRemainingTimeInMillis() < USER_MARGIN_MS) break;
    const correlationId = `schedule:${now.toISOString()}:${user.tenantId}:${user.userId}`;
    const scope = startInvocation({
      caller: serviceCaller(user.tenantId, user.userId, token),
      correlationId,
      log: logger.createChild({ persistentKeys: { ...user, correlationId } }),
      deadlineAt: Date.now() + context.getRemainingTimeInMillis() - USER_MARGIN_MS,
    });
    try {
      raised += (await service.evaluate(scope.invocation, now)).raised.length;
      evaluated += 1;
    } catch (error) {
      failed += 1;
      scope.invocation.log.error('nudges not evaluated', { error: error as Error });
    } finally {
      await scope.settle();
    }
  }
  const run = { users: users.length, evaluated, raised, failed };
  logger.info('nudge schedule run', { ...run });
  return run;
});
