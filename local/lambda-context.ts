import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** How long API Gateway waits for an integration: what a local invocation has, like a Lambda behind it. */
const API_TIMEOUT_MS = 29_000;

/**
 * A Lambda context for a function named after its route, as the Lambda runtime passes it (locally and in benches);
 * `budgetMs` is its remaining time at the start (a queue worker's timeout, say).
 */
export const lambdaContext = (
  functionName: string,
  requestId: string = randomUUID(),
  budgetMs: number = API_TIMEOUT_MS,
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
