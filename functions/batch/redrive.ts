import { StartMessageMoveTaskCommand, type StartMessageMoveTaskCommandOutput } from '@aws-sdk/client-sqs';

/** The slice of the SQS client a redrive needs (tests pass a fake). */
export interface MessageMoveClient {
  send(command: StartMessageMoveTaskCommand): Promise<StartMessageMoveTaskCommandOutput>;
}

/** Which dead-letter queue to empty, and where to. */
export interface RedriveRequest {
  /** ARN of the batch dead-letter queue. */
  readonly deadLetterQueueArn: string;
  /** ARN of the batch queue; without it SQS moves each message back to the queue it came from. */
  readonly sourceQueueArn?: string;
  /** Messages moved per second (at most 500); without it SQS picks the rate. */
  readonly maxMessagesPerSecond?: number;
}

/** The started move task. */
export interface RedriveTask {
  /** The task's handle (CancelMessageMoveTask takes it). */
  readonly taskHandle: string;
  readonly deadLetterQueueArn: string;
  readonly destinationArn?: string;
}

/**
 * Starts moving the batch's dead-letter messages back to the batch queue (SQS StartMessageMoveTask), so tenants
 * that failed are tried again once the cause is fixed. The worker's per-day claims make the redrive safe: a tenant
 * already done today is a `duplicate`, not a second generation.
 */
export const startRedrive = async (client: MessageMoveClient, request: RedriveRequest): Promise<RedriveTask> => {
  const { TaskHandle } = await client.send(
    new StartMessageMoveTaskCommand({
      SourceArn: request.deadLetterQueueArn,
      ...(request.sourceQueueArn ? { DestinationArn: request.sourceQueueArn } : {}),
      ...(request.maxMessagesPerSecond ? { MaxNumberOfMessagesPerSecond: request.maxMessagesPerSecond } : {}),
    }),
  );
  if (!TaskHandle) throw new Error('SQS started no message move task (no task handle in the answer)');
  return {
    taskHandle: TaskHandle,
    deadLetterQueueArn: request.deadLetterQueueArn,
    ...(request.sourceQueueArn ? { destinationArn: request.sourceQueueArn } : {}),
  };
};
