import * as path from 'node:path';
import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { workers } from '../../functions/routes';
import { WORKER_MAX_RECEIVE_COUNT, type WorkerDefinition } from '../../functions/shared/jobs/worker-definition';
import { CoachingFunction, REPO_ROOT, type BusinessApiUrls } from '../function';
import { addServiceEnvironment, grantAll, readsPrompts } from '../permissions';
import { alarmOnBacklog, alarmOnMessages, DEAD_LETTER_RETENTION, encryptedQueue } from '../queues';
import type { Data } from './data';

/** A user's job should start within a minute; a queue older than this for two minutes alarms. */
const BACKLOG_MAX_AGE = Duration.minutes(1);

/** What the workers need from the rest of the stack. */
export interface WorkersProps {
  readonly data: Data;
  readonly businessApis: BusinessApiUrls;
  readonly bedrockModelIds: readonly string[];
  /** The business APIs' client credentials; absent: workers send the dev token (BUSINESS_API_DEV_TOKEN). */
  readonly businessApiSecret?: ISecret;
}

/** One declared worker as deployed. */
export interface DeployedWorker {
  readonly definition: WorkerDefinition;
  /** Where senders put its jobs. */
  readonly queue: Queue;
  /** Job messages that failed WORKER_MAX_RECEIVE_COUNT deliveries. */
  readonly deadLetterQueue: Queue;
  readonly fn: CoachingFunction;
  readonly alarms: readonly Alarm[];
}

/**
 * The queue workers the capabilities declare (functions/routes.ts `workers`): per worker a queue with its
 * dead-letter queue, and a function that takes one job per invocation from an SQS event source (partial batch
 * failures, concurrency capped on the source), granted the worker's grants plus sending to its own queue (a throttled
 * job is put back with a delay). Alarms: any message in the dead-letter queue, and a backlog older than a minute.
 */
export class Workers extends Construct {
  /** The deployed workers, by the key senders' grants name them by. */
  readonly byKey: Readonly<Record<string, DeployedWorker>>;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    this.byKey = Object.fromEntries(
      Object.entries(workers).map(([key, definition]) => [key, this.addWorker(definition, props)]),
    );
  }

  /** The queues by worker key, for the grants of the functions that send jobs. */
  get queues(): Readonly<Record<string, Queue>> {
    return Object.fromEntries(Object.entries(this.byKey).map(([key, worker]) => [key, worker.queue]));
  }

  private addWorker(definition: WorkerDefinition, props: WorkersProps): DeployedWorker {
    const scope = new Construct(this, definition.id);
    const timeout = Duration.seconds(definition.timeoutSeconds);
    const deadLetterQueue = encryptedQueue(scope, 'DeadLetterQueue', { retentionPeriod: DEAD_LETTER_RETENTION });
    const queue = encryptedQueue(scope, 'Queue', {
      // AWS recommends at least six times the function timeout for an SQS event source.
      visibilityTimeout: Duration.seconds(6 * definition.timeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: WORKER_MAX_RECEIVE_COUNT },
    });
    const fn = new CoachingFunction(scope, 'Function', {
      entry: path.join(REPO_ROOT, definition.handler),
      description: definition.description.slice(0, 256),
      timeout,
      bundlePrompts: readsPrompts(definition.grants),
    });
    addServiceEnvironment(fn);
    grantAll(fn, definition.grants, {
      data: props.data,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      ...(props.businessApiSecret ? { businessApiSecret: props.businessApiSecret } : {}),
    });
    fn.bindQueue(queue, definition.queueEnvVar);
    fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: definition.maxConcurrency,
      }),
    );
    const alarms = [
      alarmOnMessages(
        scope,
        `${definition.id}DeadLetters`,
        deadLetterQueue,
        `${definition.id}: job messages failed ${WORKER_MAX_RECEIVE_COUNT} deliveries (their outcome could not be ` +
          "recorded) and are in the dead-letter queue. Read the worker's logs, fix the cause, then redrive them.",
      ),
      alarmOnBacklog(
        scope,
        `${definition.id}Backlog`,
        queue,
        BACKLOG_MAX_AGE,
        `${definition.id}: jobs have waited over ${BACKLOG_MAX_AGE.toMinutes()} minute(s) for a worker; users see ` +
          'the rules set for longer. Check the worker for errors and throttles, or raise its maximum concurrency.',
      ),
    ];
    new CfnOutput(scope, 'DeadLetterQueueArn', {
      value: deadLetterQueue.queueArn,
      description:
        `${definition.id} dead-letter queue; after fixing the cause, move its messages back with ` +
        '`aws sqs start-message-move-task --source-arn <this ARN>`',
    });
    return { definition, queue, deadLetterQueue, fn, alarms };
  }
}
