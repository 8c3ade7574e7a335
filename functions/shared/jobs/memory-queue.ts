import type { Queue, ReceivedRecord } from './queue';

/** Options of the in-memory queue. */
export interface MemoryQueueOptions {
  /** How long a received message stays invisible before it reappears unless deleted (SQS visibility timeout). */
  readonly visibilityTimeoutSeconds: number;
  /** Deliveries after which a message that keeps failing moves to the dead-letter list (SQS redrive policy). */
  readonly maxReceiveCount: number;
  /** Epoch milliseconds; a test or the simulation moves it on instead of waiting. */
  readonly now?: () => number;
}

/** A message that moved to the dead-letter list. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
}

/** Received entries at the front of the waiting list are dropped once there are more of them than this. */
const DROP_RECEIVED_AFTER = 1024;

/** One message and where it stands. */
interface Entry {
  readonly messageId: string;
  readonly body: string;
  receiveCount: number;
  /** While waiting: when it becomes receivable (delay). In flight: when its visibility timeout ends. */
  visibleAt: number;
}

/**
 * An in-memory stand-in for an SQS standard queue with a dead-letter queue (the twin of SqsQueue), for the local
 * runtime, the tests and the simulation. Deterministic: message ids are sequential and receivable messages come out in the order they
 * became visible (then the order they were sent). Semantics kept from SQS:
 * - `send` with a delay holds messages back until the clock reaches it;
 * - `receive` counts a delivery and hides the message for the visibility timeout;
 * - `delete` removes a received message; one that is not deleted reappears after the timeout, and once it has been
 *   delivered `maxReceiveCount` times it moves to the dead-letter list instead.
 */
export class MemoryQueue<M = unknown> implements Queue<M> {
  /**
   * Not in flight, in order of `visibleAt`, from `head` on: receivable now or later (delayed, or back after a
   * visibility timeout). A receive moves `head` past what it took and drops those entries in bulk now and then, so
   * taking from the front of a long queue (the 100,000-tenant simulation) does not move the rest each time.
   */
  private readonly waiting: Entry[] = [];
  private head = 0;
  private readonly flying = new Map<string, Entry>();
  private readonly dead: DeadLetter[] = [];
  private sequence = 0;
  private readonly now: () => number;

  constructor(private readonly options: MemoryQueueOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Queues messages as JSON (a worker's re-enqueue of throttled work passes a delay). */
  async send(messages: readonly M[], delaySeconds = 0): Promise<void> {
    for (const message of messages) this.sendBody(JSON.stringify(message), delaySeconds);
  }

  /** Queues a raw body (tests use it for poison messages); returns its message id. */
  sendBody(body: string, delaySeconds = 0): string {
    this.sequence += 1;
    const messageId = `msg-${String(this.sequence).padStart(8, '0')}`;
    this.enqueue({ messageId, body, receiveCount: 0, visibleAt: this.now() + delaySeconds * 1000 });
    return messageId;
  }

  /** Up to `max` receivable messages; each is counted as delivered and hidden for the visibility timeout. */
  receive(max: number): ReceivedRecord[] {
    const now = this.now();
    const taken = this.waiting.slice(this.head, this.head + this.due(max));
    this.head += taken.length;
    if (this.head > DROP_RECEIVED_AFTER && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return taken.map((entry) => {
      entry.receiveCount += 1;
      entry.visibleAt = now + this.options.visibilityTimeoutSeconds * 1000;
      this.flying.set(entry.messageId, entry);
      return { messageId: entry.messageId, body: entry.body, receiveCount: entry.receiveCount };
    });
  }

  /** Removes a message that was processed; false when it is not in flight (already deleted, or timed out). */
  delete(messageId: string): boolean {
    return this.flying.delete(messageId);
  }

  /** Messages waiting: receivable now, delayed, or back from a visibility timeout. */
  depth(): number {
    this.settleTimeouts();
    return this.waiting.length - this.head;
  }

  /** Messages receivable now (neither delayed nor in flight). */
  receivable(): number {
    return this.due(Number.POSITIVE_INFINITY);
  }

  /** Messages received and neither deleted nor timed out yet. */
  inFlight(): number {
    this.settleTimeouts();
    return this.flying.size;
  }

  /** The dead-letter list, oldest first. */
  deadLetters(): readonly DeadLetter[] {
    this.settleTimeouts();
    return [...this.dead];
  }

  /** When the next waiting or in-flight message changes state (epoch ms), or undefined when the queue is empty. */
  nextChangeAt(): number | undefined {
    let next = this.waiting[this.head]?.visibleAt;
    for (const entry of this.flying.values())
      next = next === undefined ? entry.visibleAt : Math.min(next, entry.visibleAt);
    return next;
  }

  /** How many waiting messages are receivable now, `limit` at most (a receive need not count the whole backlog). */
  private due(limit: number): number {
    this.settleTimeouts();
    const now = this.now();
    const end = Math.min(this.waiting.length, this.head + limit);
    let index = this.head;
    while (index < end && (this.waiting[index] as Entry).visibleAt <= now) index += 1;
    return index - this.head;
  }

  /** Inserts a waiting message in order of visibility, after those that become visible at the same time. */
  private enqueue(entry: Entry): void {
    let low = this.head;
    let high = this.waiting.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.waiting[middle] as Entry).visibleAt <= entry.visibleAt) low = middle + 1;
      else high = middle;
    }
    this.waiting.splice(low, 0, entry);
  }

  /** Messages whose visibility timeout ended reappear, or move to the dead-letter list after their last delivery. */
  private settleTimeouts(): void {
    const now = this.now();
    for (const entry of this.flying.values()) {
      if (entry.visibleAt > now) continue;
      this.flying.delete(entry.messageId);
      if (entry.receiveCount >= this.options.maxReceiveCount) {
        this.dead.push({ messageId: entry.messageId, body: entry.body, receiveCount: entry.receiveCount });
      } else {
        this.enqueue(entry);
      }
    }
  }
}
