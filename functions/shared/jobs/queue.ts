/** Where messages of work are queued (SQS in AWS; an in-memory queue locally, in tests and in the simulation). */
export interface Queue<M> {
  /** Sends messages (batched by the adapter); `delaySeconds` holds them back (e.g. a throttled job: retry later). */
  send(messages: readonly M[], delaySeconds?: number): Promise<void>;
}

/** A message as a queue delivers it to a worker. */
export interface ReceivedRecord {
  readonly messageId: string;
  readonly body: string;
  /** How many times the queue has delivered it, this time included. */
  readonly receiveCount: number;
}
