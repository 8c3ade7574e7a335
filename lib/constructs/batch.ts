import * as path from 'node:path';
import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BATCH_MAX_RECEIVE_COUNT, BATCH_WORKER_TIMEOUT_SECONDS } from '../../functions/batch/model';
import type { RouteGrants } from '../../functions/shared/http/route';
import { generates } from '../../functions/insights/workers';
import { CoachingFunction, REPO_ROOT, type BusinessApiUrls } from '../function';
import { addServiceEnvironment, grantAll, readsPrompts, SERVICE_VERSION } from '../permissions';
import { maxConcurrencyFor, type BedrockQuota } from '../batch-concurrency';
import { scheduleInvoking } from '../schedules';
import { alarmOnMessages, DEAD_LETTER_RETENTION, encryptedQueue, failedEventsQueue } from '../queues';
import type { Data } from './data';

/** The nightly run's deployment settings (CDK context, validated in bin/app.ts). */
export interface BatchSettings {
  /** EventBridge Scheduler cron expression of the run, `cron(minutes hours day-of-month month day-of-week year)`. */
  readonly schedule: string;
  /** IANA time zone the cron expression is read in. */
  readonly timeZone: string;
  readonly bedrockQuota: BedrockQuota;
  /** Share of the quota the run plans to use (maxConcurrencyFor); absent: DEFAULT_BATCH_HEADROOM. */
  readonly headroom?: number;
  /**
   * Secrets Manager secret name of the business APIs' client credentials (`{ tokenUrl, clientId, clientSecret,
   * scope? }`). Absent: the worker gets no secret and no Secrets Manager access (it then sends the dev token).
   */
  readonly businessApiSecretName?: string;
}

/** The defaults of the batch context keys, so a plain synth works offline (bin/app.ts applies them). */
export const BATCH_DEFAULTS = {
  schedule: 'cron(0 3 * * ? *)',
  timeZone: 'UTC',
  bedrockQuota: { tokensPerMinute: 400_000, tokensPerGeneration: 9_000, secondsPerGeneration: 20 },
} as const satisfies BatchSettings;

/** How long the worker may take for one tenant (one message: batch size 1). */
const WORKER_TIMEOUT = Duration.seconds(BATCH_WORKER_TIMEOUT_SECONDS);
/** AWS recommends a visibility timeout of at least six times the function timeout for SQS event sources. */
const VISIBILITY_TIMEOUT = Duration.seconds(6 * WORKER_TIMEOUT.toSeconds());
/** The enqueue function pages the whole tenant registry into the queue; Lambda's maximum. */
const ENQUEUE_TIMEOUT = Duration.minutes(15);

/**
 * The worker does what the on-demand generation worker does (insights, jobs and usage read-write, prompt index read,
 * prompts bucket read, Bedrock, business APIs) for one tenant, plus the run's state in the batch table.
 */
const WORKER_GRANTS: RouteGrants = {
  ...generates,
  tables: { ...generates.tables, batch: 'readWrite' },
  serviceToken: true,
};

/** What the nightly run needs from the rest of the stack and from the deployment config. */
export interface BatchProps {
  readonly data: Data;
  readonly businessApis: BusinessApiUrls;
  /** Bedrock model or inference profile ids the worker may invoke; the first is the default. */
  readonly bedrockModelIds: readonly string[];
  readonly settings: BatchSettings;
  /** The business APIs' client credentials (settings.businessApiSecretName); absent: the dev token is sent. */
  readonly businessApiSecret?: ISecret;
}

/**
 * The nightly insights run: EventBridge Scheduler invokes the enqueue function on the cron, which puts one message
 * per registered tenant on the run queue; the worker takes one tenant per invocation, with its concurrency capped by
 * the Bedrock quota (maxConcurrencyFor), and reports failures per message. A message that fails
 * BATCH_MAX_RECEIVE_COUNT times lands in the dead-letter queue (alarmed; redrive it with the command in the
 * DeadLetterQueueArn output). Runs that fail to start land in the schedule's own small dead-letter queue.
 */
export class Batch extends Construct {
  /** One message per tenant of a run (functions/batch/model.ts batchMessageSchema). */
  readonly queue: Queue;
  /** Run messages that failed BATCH_MAX_RECEIVE_COUNT deliveries. */
  readonly deadLetterQueue: Queue;
  /** Failed starts: invocations Scheduler could not deliver and enqueue runs that failed after Lambda's retries. */
  readonly scheduleDeadLetterQueue: Queue;
  /** The SQS worker (functions/batch/handlers/process-tenants.ts). */
  readonly worker: CoachingFunction;
  /** The Scheduler target (functions/batch/handlers/enqueue-run.ts). */
  readonly enqueue: CoachingFunction;
  /** The event source's maximum concurrency of the worker. */
  readonly maxConcurrency: number;
  readonly schedule: CfnSchedule;
  /** The only role Scheduler assumes: it may invoke the enqueue function and write to the schedule's DLQ. */
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: BatchProps) {
    super(scope, id);
    const { settings } = props;

    this.deadLetterQueue = encryptedQueue(this, 'DeadLetterQueue', { retentionPeriod: DEAD_LETTER_RETENTION });
    this.queue = encryptedQueue(this, 'RunQueue', {
      visibilityTimeout: VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: BATCH_MAX_RECEIVE_COUNT },
    });
    this.scheduleDeadLetterQueue = failedEventsQueue(
      this,
      'ScheduleDeadLetterQueue',
      "the Scheduler target's undelivered invocations and the enqueue function's failed asynchronous invocations",
    );

    this.maxConcurrency = maxConcurrencyFor({ ...settings.bedrockQuota, headroom: settings.headroom });
    this.worker = this.addWorker(props);

    this.enqueue = new CoachingFunction(this, 'Enqueue', {
      entry: path.join(REPO_ROOT, 'functions/batch/handlers/enqueue-run.ts'),
      description: 'Nightly batch: puts one message per registered tenant on the run queue (Scheduler target)',
      timeout: ENQUEUE_TIMEOUT,
    });
    this.enqueue.addEnvironment('SERVICE_VERSION', SERVICE_VERSION);
    props.data.grantTable(this.enqueue, 'batch', 'readWrite');
    this.enqueue.bindCursorKey(props.data.cursorKey);
    this.enqueue.bindQueue(this.queue, 'BATCH_QUEUE_URL');
    const { schedule, role } = scheduleInvoking(this, 'Schedule', {
      description: 'Nightly insights run: invokes the batch enqueue function',
      expression: settings.schedule,
      timeZone: settings.timeZone,
      target: this.enqueue,
      deadLetterQueue: this.scheduleDeadLetterQueue,
      roleId: 'SchedulerRole',
    });
    this.schedule = schedule;
    this.schedulerRole = role;

    alarmOnMessages(
      this,
      'BatchDeadLetters',
      this.deadLetterQueue,
      `Nightly batch: tenant messages failed ${BATCH_MAX_RECEIVE_COUNT} deliveries and are in the dead-letter queue. ` +
        "Read the worker's logs, fix the cause, then redrive them (see the DeadLetterQueueArn output).",
    );
    alarmOnMessages(
      this,
      'BatchScheduleDeadLetters',
      this.scheduleDeadLetterQueue,
      'Nightly batch: a run did not start (Scheduler could not invoke the enqueue function, or the enqueue run ' +
        'failed after retries). The failed events are in the schedule dead-letter queue.',
    );
    new CfnOutput(this, 'DeadLetterQueueArn', {
      value: this.deadLetterQueue.queueArn,
      description:
        'Nightly batch dead-letter queue; after fixing the cause, move its messages back to the run queue with ' +
        '`aws sqs start-message-move-task --source-arn <this ARN>`',
    });
  }

  /** The SQS worker: one tenant per invocation, the insights grants plus the batch table, queue and secret. */
  private addWorker(props: BatchProps): CoachingFunction {
    const worker = new CoachingFunction(this, 'Worker', {
      entry: path.join(REPO_ROOT, 'functions/batch/handlers/process-tenants.ts'),
      description: "Nightly batch: generates one tenant's insights per run queue message",
      timeout: WORKER_TIMEOUT,
      bundlePrompts: readsPrompts(WORKER_GRANTS),
    });
    addServiceEnvironment(worker);
    grantAll(worker, WORKER_GRANTS, {
      data: props.data,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      ...(props.businessApiSecret ? { businessApiSecret: props.businessApiSecret } : {}),
    });
    worker.bindQueue(this.queue, 'BATCH_QUEUE_URL');
    // Concurrency is capped on the event source, not with reserved concurrency: Lambda then simply polls less,
    // instead of throttling invocations and returning messages to the queue (which would count as receives).
    worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: this.maxConcurrency,
      }),
    );
    return worker;
  }
}
