import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseItem } from '../dynamo/items';
import { KeyedItems } from '../dynamo/memory';
import { epochSeconds, tenantKey } from '../dynamo/tables';
import { writeIf } from '../dynamo/writes';
import type { ErrorCode } from '../errors';
import * as z from '../zod';
import { jobSchema, type Job } from './model';

/** The outcome of asking to start a job: started, or the job of that kind that is still active. */
export type JobStart =
  { readonly started: true; readonly job: Job } | { readonly started: false; readonly active: Job };

/**
 * Persistence of jobs: each job by id, and per tenant and kind one slot holding the latest job, so that at most one
 * is active at a time and the latest one is a single read. A slot holds for `activeUntil` (epoch ms) while its job is
 * pending or running; a job whose worker died stops holding it then.
 */
export interface JobStore {
  /** Starts `job` (pending) unless the tenant's slot of its kind holds an active job; holds the slot until `holdUntil`. */
  start(job: Job, now: Date, holdUntil: number): Promise<JobStart>;
  get(tenantId: string, jobId: string): Promise<Job | undefined>;
  /** The tenant's latest job of a kind, active or finished. */
  latest(tenantId: string, kind: string): Promise<Job | undefined>;
  /**
   * A worker takes a job: pending -> running (or running whose hold ended: a redelivery after a crash), counting the
   * attempt and holding the slot until `holdUntil`. Undefined when the job is not there to take (done, failed, or
   * running under another worker's hold).
   */
  claim(tenantId: string, jobId: string, now: Date, holdUntil: number): Promise<Job | undefined>;
  /**
   * running -> done or failed (with a reason), or pending -> failed (it never reached a worker); frees the slot.
   * Undefined when the job was in neither state.
   */
  finish(
    tenantId: string,
    jobId: string,
    status: 'done' | 'failed',
    now: Date,
    reason?: ErrorCode,
  ): Promise<Job | undefined>;
  /** running -> pending, with the reason it was put back (it will be delivered again); the slot stays held. */
  putBack(tenantId: string, jobId: string, reason: ErrorCode, holdUntil: number): Promise<Job | undefined>;
}

/** How long a finished job can still be read back. */
const JOB_RETENTION_DAYS = 14;

const jobKey = (jobId: string): string => `JOB#${jobId}`;
const slotKey = (kind: string): string => `ACTIVE#${kind}`;
const expiryOf = (job: Job): number => epochSeconds(new Date(job.createdAt)) + JOB_RETENTION_DAYS * 86_400;

const jobItemSchema = z.extend(jobSchema, { expiresAt: z.number() });
const slotItemSchema = z.object({ job: jobSchema, activeUntil: z.number() });

/** What a transition writes and under which condition (shared by the adapter and the twin). */
interface Transition {
  readonly allowed: (job: Job, now: number) => boolean;
  readonly apply: (job: Job) => Job;
  /** The slot's hold after the transition. */
  readonly activeUntil: number;
}

const claimTransition = (now: Date, holdUntil: number, heldUntil: (job: Job) => number): Transition => ({
  allowed: (job, at) => job.status === 'pending' || (job.status === 'running' && heldUntil(job) < at),
  apply: (job) => ({
    ...job,
    status: 'running',
    startedAt: job.startedAt ?? now.toISOString(),
    attempts: job.attempts + 1,
  }),
  activeUntil: holdUntil,
});

const finishTransition = (status: 'done' | 'failed', now: Date, reason?: ErrorCode): Transition => ({
  // A pending job may be failed before any worker took it (it could not be queued).
  allowed: (job) => job.status === 'running' || (job.status === 'pending' && status === 'failed'),
  apply: (job) => ({ ...job, status, finishedAt: now.toISOString(), ...(reason === undefined ? {} : { reason }) }),
  activeUntil: 0,
});

const putBackTransition = (reason: ErrorCode, holdUntil: number): Transition => ({
  allowed: (job) => job.status === 'running',
  apply: (job) => ({ ...job, status: 'pending', reason }),
  activeUntil: holdUntil,
});

/**
 * JobStore on the jobs table (`TENANT#<id>` partitions; `JOB#<id>` items and `ACTIVE#<kind>` slots; TTL on
 * `expiresAt`). Transitions are conditional writes on the job item's status, then the slot's copy (conditional on
 * still naming the job), so two workers never both take one job.
 */
export class DynamoJobStore implements JobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** What decides whether a job is past its retention (TTL deletes late, so reads filter). */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async start(job: Job, now: Date, holdUntil: number): Promise<JobStart> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: tenantKey(job.tenantId),
          sk: slotKey(job.kind),
          job,
          activeUntil: holdUntil,
          expiresAt: expiryOf(job),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR activeUntil < :now',
        ExpressionAttributeValues: { ':now': now.getTime() },
      }),
    );
    if (!written) {
      // Only a held slot refuses the write, so it is there to read (its TTL is weeks past any hold).
      const slot = await this.slot(job.tenantId, job.kind);
      if (!slot) throw new Error(`The ${job.kind} slot of ${job.tenantId} refused a job and then vanished`);
      return { started: false, active: slot.job };
    }
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.jobItem(job) }));
    return { started: true, job };
  }

  async get(tenantId: string, jobId: string): Promise<Job | undefined> {
    const item = await this.read(tenantId, jobKey(jobId));
    if (!item || Number(item.expiresAt) <= epochSeconds(this.clock())) return undefined;
    const { expiresAt: _expiresAt, ...job } = parseItem(jobItemSchema, item);
    return job;
  }

  async latest(tenantId: string, kind: string): Promise<Job | undefined> {
    return (await this.slot(tenantId, kind))?.job;
  }

  async claim(tenantId: string, jobId: string, now: Date, holdUntil: number): Promise<Job | undefined> {
    const current = await this.get(tenantId, jobId);
    if (!current) return undefined;
    // A running job is taken over only once its worker's hold on the slot has ended.
    const held = current.status === 'running' ? ((await this.slot(tenantId, current.kind))?.activeUntil ?? 0) : 0;
    return this.transition(
      current,
      claimTransition(now, holdUntil, () => held),
      now,
    );
  }

  async finish(
    tenantId: string,
    jobId: string,
    status: 'done' | 'failed',
    now: Date,
    reason?: ErrorCode,
  ): Promise<Job | undefined> {
    const current = await this.get(tenantId, jobId);
    return current && this.transition(current, finishTransition(status, now, reason), now);
  }

  async putBack(tenantId: string, jobId: string, reason: ErrorCode, holdUntil: number): Promise<Job | undefined> {
    const current = await this.get(tenantId, jobId);
    return current && this.transition(current, putBackTransition(reason, holdUntil), this.clock());
  }

  /**
   * Applies a transition to the job as read, conditional on the item being unchanged since (status and attempts),
   * then mirrors the job into its slot if the slot still names it.
   */
  private async transition(current: Job, transition: Transition, now: Date): Promise<Job | undefined> {
    if (!transition.allowed(current, now.getTime())) return undefined;
    const next = transition.apply(current);
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: this.jobItem(next),
        ConditionExpression: '#status = :status AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': current.status, ':attempts': current.attempts },
      }),
    );
    if (!written) return undefined;
    await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(next.tenantId), sk: slotKey(next.kind) },
        UpdateExpression: 'SET job = :job, activeUntil = :activeUntil',
        ConditionExpression: 'job.jobId = :jobId',
        ExpressionAttributeValues: { ':job': next, ':activeUntil': transition.activeUntil, ':jobId': next.jobId },
      }),
    );
    return next;
  }

  private async slot(tenantId: string, kind: string): Promise<z.infer<typeof slotItemSchema> | undefined> {
    const item = await this.read(tenantId, slotKey(kind));
    return item ? parseItem(slotItemSchema, item) : undefined;
  }

  private async read(tenantId: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: tenantKey(tenantId), sk }, ConsistentRead: true }),
    );
    return Item;
  }

  private jobItem(job: Job): Record<string, unknown> {
    return { pk: tenantKey(job.tenantId), sk: jobKey(job.jobId), ...job, expiresAt: expiryOf(job) };
  }
}

/** JobStore in memory, with the DynamoDB adapter's semantics (slots, holds, conditional transitions, expiry). */
export class InMemoryJobStore implements JobStore {
  private readonly jobs = new KeyedItems<Job>();
  private readonly slots = new KeyedItems<{ job: Job; activeUntil: number }>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async start(job: Job, now: Date, holdUntil: number): Promise<JobStart> {
    const slot = this.slots.get(job.tenantId, job.kind);
    if (slot && slot.activeUntil >= now.getTime()) return { started: false, active: slot.job };
    this.slots.put(job.tenantId, job.kind, { job, activeUntil: holdUntil });
    this.jobs.put(job.tenantId, job.jobId, job);
    return { started: true, job };
  }

  async get(tenantId: string, jobId: string): Promise<Job | undefined> {
    return this.readJob(tenantId, jobId);
  }

  async latest(tenantId: string, kind: string): Promise<Job | undefined> {
    return this.slots.get(tenantId, kind)?.job;
  }

  async claim(tenantId: string, jobId: string, now: Date, holdUntil: number): Promise<Job | undefined> {
    const heldUntil = (job: Job): number => this.slots.get(tenantId, job.kind)?.activeUntil ?? 0;
    return this.transition(tenantId, jobId, claimTransition(now, holdUntil, heldUntil), now);
  }

  async finish(
    tenantId: string,
    jobId: string,
    status: 'done' | 'failed',
    now: Date,
    reason?: ErrorCode,
  ): Promise<Job | undefined> {
    return this.transition(tenantId, jobId, finishTransition(status, now, reason), now);
  }

  async putBack(tenantId: string, jobId: string, reason: ErrorCode, holdUntil: number): Promise<Job | undefined> {
    return this.transition(tenantId, jobId, putBackTransition(reason, holdUntil), this.clock());
  }

  private readJob(tenantId: string, jobId: string): Job | undefined {
    const job = this.jobs.get(tenantId, jobId);
    return job && expiryOf(job) > epochSeconds(this.clock()) ? job : undefined;
  }

  private async transition(
    tenantId: string,
    jobId: string,
    transition: Transition,
    now: Date,
  ): Promise<Job | undefined> {
    // Read and write with no await between them, so a transition is as atomic as the adapter's conditional write.
    const current = this.readJob(tenantId, jobId);
    if (!current || !transition.allowed(current, now.getTime())) return undefined;
    const next = transition.apply(current);
    this.jobs.put(tenantId, jobId, next);
    const slot = this.slots.get(tenantId, next.kind);
    if (slot?.job.jobId === jobId)
      this.slots.put(tenantId, next.kind, { job: next, activeUntil: transition.activeUntil });
    return next;
  }
}
