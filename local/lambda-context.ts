import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** How long API Gateway waits for an integration: what a local invocation has, like a Lambda behind it. */
const API_TIMEOUT_MS = 29_000;

/**
 * The time a local invocation has: LOCAL_INVOCATION_BUDGET_MS when set (tests shorten it to watch the functions'
 * deadlines at work), else API Gateway's 29 s. Read per invocation, so the environment a test starts the local stack
 * with applies.
 */
export const localInvocationBudgetMs = (env: NodeJS.ProcessEnv = process.env): number => {
  const raw = env.LOCAL_INVOCATION_BUDGET_MS;
  if (raw === undefined || raw === '') return API_TIMEOUT_MS;
  const budget = Number(raw);
  if (!Number.isInteger(budget) || budget <= 0) {
    throw new Error(`LOCAL_INVOCATION_BUDGET_MS must be a whole number of milliseconds above 0, not "${raw}"`);
  }
  return budget;
};

/**
 * A Lambda context for a function named after its route, as the Lambda runtime passes it (locally and in benches):
 * its remaining time counts down from `budgetMs` (a queue worker passes its timeout).
 */
export const lambdaContext = (
  functionName: string,
  requestId: string = randomUUID(),
  budgetMs: number = localInvocationBudgetMs(),
): Context => {
  const deadline = Date.now() + budgetMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
