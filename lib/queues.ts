import { Duration, Validations } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { namedAlarm } from './alarms';

/** How long a dead-letter queue keeps what failed: SQS's maximum, time to notice, fix and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** An SQS queue encrypted with SQS-managed keys that refuses non-TLS access (every queue of the stack). */
export const encryptedQueue = (scope: Construct, id: string, props: QueueProps = {}): Queue =>
  new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });

/**
 * A dead-letter queue of failed asynchronous invocations (a function's on-failure destination, or a Scheduler target's
 * DLQ), which cdk-nag does not recognise as one: `holds` says what lands in it, for the acknowledgement.
 */
export const failedEventsQueue = (scope: Construct, id: string, holds: string): Queue => {
  const queue = encryptedQueue(scope, id, { retentionPeriod: DEAD_LETTER_RETENTION });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      `This queue is itself a dead-letter queue: it holds ${holds} (an on-failure destination, which cdk-nag does ` +
      'not recognise as a DLQ use). It is alarmed; nothing consumes it, so it needs no DLQ of its own.',
  });
  return queue;
};

/** Alarms when the queue holds any visible message (checked every 5 minutes): for dead-letter queues. */
export const alarmOnMessages = (scope: Construct, id: string, queue: Queue, description: string): Alarm =>
  namedAlarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });

/** Alarms when the oldest message has waited longer than `maxAge` for two minutes running: the workers fall behind. */
export const alarmOnBacklog = (scope: Construct, id: string, queue: Queue, maxAge: Duration, description: string) =>
  namedAlarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: maxAge.toSeconds(),
    evaluationPeriods: 2,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
