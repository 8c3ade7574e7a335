import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** An SQS queue encrypted with SQS-managed keys that refuses non-TLS access (every queue of the stack). */
export const encryptedQueue = (scope: Construct, id: string, props: QueueProps = {}): Queue =>
  new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });

/** Alarms when the queue holds any visible message (checked every 5 minutes): for dead-letter queues. */
export const alarmOnMessages = (scope: Construct, id: string, queue: Queue, description: string): Alarm =>
  new Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });

/** Alarms when the oldest message has waited longer than `maxAge` for two minutes running: the workers fall behind. */
export const alarmOnBacklog = (scope: Construct, id: string, queue: Queue, maxAge: Duration, description: string) =>
  new Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: maxAge.toSeconds(),
    evaluationPeriods: 2,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
