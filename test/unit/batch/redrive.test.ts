import { StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { startRedrive, type MessageMoveClient } from '../../../functions/batch/redrive';

const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:coaching-batch-dlq';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:coaching-batch';

/** A client that records the commands it is sent and answers with `taskHandle`. */
const fakeClient = (taskHandle?: string): MessageMoveClient & { commands: StartMessageMoveTaskCommand[] } => {
  const commands: StartMessageMoveTaskCommand[] = [];
  return {
    commands,
    send: async (command) => {
      commands.push(command);
      return { $metadata: {}, ...(taskHandle ? { TaskHandle: taskHandle } : {}) };
    },
  };
};

describe('startRedrive', () => {
  it('starts a message move task from the dead-letter queue to the batch queue and returns its handle', async () => {
    const client = fakeClient('task-1');

    const task = await startRedrive(client, {
      deadLetterQueueArn: DLQ,
      sourceQueueArn: QUEUE,
      maxMessagesPerSecond: 50,
    });

    expect(task).toEqual({ taskHandle: 'task-1', deadLetterQueueArn: DLQ, destinationArn: QUEUE });
    expect(client.commands).toHaveLength(1);
    expect(client.commands[0]).toBeInstanceOf(StartMessageMoveTaskCommand);
    expect(client.commands[0]?.input).toEqual({
      SourceArn: DLQ,
      DestinationArn: QUEUE,
      MaxNumberOfMessagesPerSecond: 50,
    });
  });

  it('leaves the destination to SQS (the source queue) when no queue is given', async () => {
    const client = fakeClient('task-2');

    const task = await startRedrive(client, { deadLetterQueueArn: DLQ });

    expect(client.commands[0]?.input).toEqual({ SourceArn: DLQ });
    expect(task.destinationArn).toBeUndefined();
  });

  it('fails when SQS answers without a task handle', async () => {
    await expect(startRedrive(fakeClient(), { deadLetterQueueArn: DLQ })).rejects.toThrow('no task handle');
  });
});
