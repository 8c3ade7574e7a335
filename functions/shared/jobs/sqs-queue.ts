import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Queue } from './queue';

/** SendMessageBatch takes at most 10 entries. */
const SQS_BATCH = 10;
const SEND_ATTEMPTS = 3;

/** An SQS queue of JSON messages: batched sends; entries SQS refused are sent again (the SDK retries whole-request errors). */
export class SqsQueue<M> implements Queue<M> {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: readonly M[], delaySeconds?: number): Promise<void> {
    for (let start = 0; start < messages.length; start += SQS_BATCH) {
      let entries = messages.slice(start, start + SQS_BATCH).map((message, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(message),
        ...(delaySeconds ? { DelaySeconds: delaySeconds } : {}),
      }));
      for (let attempt = 1; entries.length > 0; attempt += 1) {
        const { Failed = [] } = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failedIds = new Set(Failed.map((failure) => failure.Id));
        entries = entries.filter((entry) => failedIds.has(entry.Id));
        if (entries.length > 0 && attempt >= SEND_ATTEMPTS) {
          throw new Error(
            `SQS refused ${entries.length} messages: ${Failed.map((failure) => failure.Message).join('; ')}`,
          );
        }
      }
    }
  }
}
