import * as z from '../zod';

/** Where a job stands: queued, being worked on, finished with a result, or finished without one. */
export const jobStatuses = ['pending', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** What started a job: a request that found no fresh result, an explicit refresh, or the nightly run. */
export const jobTriggers = ['miss', 'refresh', 'nightly'] as const;
export type JobTrigger = (typeof jobTriggers)[number];

/** A unit of long model work for one tenant (an insight set today; analyses later). */
export const jobSchema = z.object({
  jobId: z.string().check(z.minLength(1), z.maxLength(64)),
  tenantId: z.string().check(z.minLength(1)),
  /** What the job makes, e.g. `insights`; at most one job of a kind is active per tenant. */
  kind: z.string().check(z.minLength(1), z.maxLength(40)),
  status: z.enum(jobStatuses),
  trigger: z.enum(jobTriggers),
  requestedBy: z.string(),
  createdAt: z.iso.datetime(),
  startedAt: z.optional(z.iso.datetime()),
  finishedAt: z.optional(z.iso.datetime()),
  /** Why a job failed (a stable code such as `model_timeout`), or why it was put back. */
  reason: z.optional(z.string()),
  /** Deliveries so far (a throttled job is put back with a delay). */
  attempts: z.number().check(z.int(), z.minimum(0)),
});
export type Job = z.infer<typeof jobSchema>;

/** How long a job put back for a throttled model waits before its next delivery, by attempt (30 s, doubling, 5 min at most). */
export const retryDelaySeconds = (attempts: number): number => Math.min(300, 30 * 2 ** (attempts - 1));

/** The queue message of a job: enough to find it again (its state lives in the jobs table). */
export const jobMessageSchema = z.object({
  jobId: z.string().check(z.minLength(1), z.maxLength(64)),
  tenantId: z.string().check(z.regex(/^[A-Za-z0-9._:@-]{1,128}$/)),
  kind: z.string().check(z.minLength(1), z.maxLength(40)),
});
export type JobMessage = z.infer<typeof jobMessageSchema>;

/** How a response reports the job behind the data it serves. */
export const generationSchema = z.object({
  status: z.enum(jobStatuses),
  jobId: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.optional(z.iso.datetime()),
});
export type Generation = z.infer<typeof generationSchema>;

/** A job as the API shows it (`GET /insight-jobs/{jobId}`, the refresh answer). */
export const jobResponseSchema = z.object({
  jobId: z.string(),
  kind: z.string(),
  status: z.enum(jobStatuses),
  trigger: z.enum(jobTriggers),
  createdAt: z.iso.datetime(),
  startedAt: z.optional(z.iso.datetime()),
  finishedAt: z.optional(z.iso.datetime()),
  reason: z.optional(z.string()),
});

/** Path of `GET /insight-jobs/{jobId}`. */
export const jobParamsSchema = z.object({
  jobId: z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a job id')),
});

/** What a response shows of a job (the stored job without its tenant, requester and attempts). */
export const jobView = ({ jobId, kind, status, trigger, createdAt, startedAt, finishedAt, reason }: Job) => ({
  jobId,
  kind,
  status,
  trigger,
  createdAt,
  ...(startedAt === undefined ? {} : { startedAt }),
  ...(finishedAt === undefined ? {} : { finishedAt }),
  ...(reason === undefined ? {} : { reason }),
});

/** The `generation` field of a response: the job's state, started at its start (or creation while pending). */
export const generationOf = (job: Job): Generation => ({
  status: job.status,
  jobId: job.jobId,
  startedAt: job.startedAt ?? job.createdAt,
  ...(job.finishedAt === undefined ? {} : { finishedAt: job.finishedAt }),
});

/** True while a job holds its kind's slot for the tenant. */
export const isActive = (job: Pick<Job, 'status'>): boolean => job.status === 'pending' || job.status === 'running';
