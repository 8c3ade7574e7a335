import { Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { CoachingFunction } from './function';

/** Scheduler attempts again this often when it cannot invoke the target (throttled, unavailable). */
const SCHEDULE_RETRY_ATTEMPTS = 2;

/** What a schedule runs, and when. */
export interface ScheduledTarget {
  readonly description: string;
  /** `cron(...)` or `rate(...)`. */
  readonly expression: string;
  readonly timeZone: string;
  readonly target: CoachingFunction;
  /** Where undelivered invocations and the target's failed asynchronous runs land. */
  readonly deadLetterQueue: Queue;
  /** The construct id of the role Scheduler assumes. */
  readonly roleId: string;
}

/**
 * An EventBridge Scheduler schedule that invokes one function, through a role that may invoke only that function
 * and write only to the dead-letter queue; a run that fails after Lambda's retries lands in the same queue.
 */
export const scheduleInvoking = (
  scope: Construct,
  id: string,
  props: ScheduledTarget,
): { schedule: CfnSchedule; role: Role } => {
  // Scheduler invokes asynchronously: it sees only whether Lambda accepted the event. A run that then fails (after
  // Lambda's retries) would otherwise vanish; its event and error land in the dead-letter queue instead.
  props.target.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(props.deadLetterQueue) });
  const role = new Role(scope, props.roleId, {
    description: `EventBridge Scheduler: ${props.description}, and nothing else`,
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': Aws.ACCOUNT_ID,
          'aws:SourceArn': Stack.of(scope).formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      },
    }),
  });
  role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.target.functionArn] }));
  // Scheduler writes undeliverable invocations to the DLQ with the target's role.
  role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }));
  const schedule = new CfnSchedule(scope, id, {
    description: props.description,
    scheduleExpression: props.expression,
    scheduleExpressionTimezone: props.timeZone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: props.target.functionArn,
      roleArn: role.roleArn,
      retryPolicy: { maximumRetryAttempts: SCHEDULE_RETRY_ATTEMPTS, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
    },
  });
  // The role's policy must exist before Scheduler first assumes it.
  schedule.node.addDependency(role);
  return { schedule, role };
};
