import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTIVITY_LOGGED } from '../../functions/nudges/events';
import { nudges } from '../../functions/nudges/routes';
import type { RouteGrants } from '../../functions/shared/http/route';
import { CoachingFunction, REPO_ROOT, type BusinessApiUrls } from '../function';
import { addServiceEnvironment, grantAll, readsPrompts } from '../permissions';
import { alarmOnMessages, failedEventsQueue } from '../queues';
import { scheduleInvoking } from '../schedules';
import type { Data } from './data';

/** The ingest function does what POST /coach/activity does: records activities, raises (and rephrases) reactive nudges. */
export const INGEST_GRANTS: RouteGrants = nudges.routes.recordActivity.grants;
/** The hourly evaluation does what a read does, reading the tenants' goals as the service itself (client credentials). */
export const EVALUATE_GRANTS: RouteGrants = { ...nudges.routes.listNudges.grants, serviceToken: true };
/** The hourly run's limit: NUDGE_SCHEDULE_MAX_USERS users, each stopped 5 s before it. */
const EVALUATE_TIMEOUT = Duration.minutes(5);
/** When the hourly evaluation runs. */
export const NUDGE_SCHEDULE = 'rate(1 hour)';

/** What the nudges' event and schedule functions need from the rest of the stack. */
export interface NudgesProps {
  readonly data: Data;
  readonly businessApis: BusinessApiUrls;
  readonly bedrockModelIds: readonly string[];
  readonly businessApiSecret?: ISecret;
}

/**
 * The nudges beyond the API: other services' `ActivityLogged` events on the account's default EventBridge bus go to
 * the ingest function (a rule on the detail-type; events it cannot deliver, and runs that fail after Lambda's
 * retries, land in a failed-events queue), and an hourly EventBridge Scheduler schedule runs the evaluation of the
 * time and pattern nudges for the users active this week (bounded: NUDGE_SCHEDULE_MAX_USERS per run).
 */
export class Nudges extends Construct {
  readonly ingest: CoachingFunction;
  readonly evaluate: CoachingFunction;
  readonly activityRule: Rule;
  /** Events the rule could not deliver and ingest runs that failed after Lambda's retries. */
  readonly ingestFailedEvents: Queue;
  /** Schedule invocations Scheduler could not deliver and evaluation runs that failed after retries. */
  readonly scheduleDeadLetterQueue: Queue;
  readonly schedule: CfnSchedule;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: NudgesProps) {
    super(scope, id);
    const targets = {
      data: props.data,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      ...(props.businessApiSecret ? { businessApiSecret: props.businessApiSecret } : {}),
    };

    this.ingestFailedEvents = failedEventsQueue(
      this,
      'IngestFailedEvents',
      'ActivityLogged events the rule could not deliver and ingest runs that failed after retries',
    );
    this.ingest = new CoachingFunction(this, 'Ingest', {
      entry: path.join(REPO_ROOT, 'functions/nudges/handlers/ingest-activity-event.ts'),
      description: 'Nudges: records an ActivityLogged event and raises its reactive nudges (EventBridge rule target)',
      timeout: Duration.seconds(30),
      bundlePrompts: readsPrompts(INGEST_GRANTS),
    });
    addServiceEnvironment(this.ingest);
    grantAll(this.ingest, INGEST_GRANTS, targets);
    this.ingest.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.ingestFailedEvents) });
    this.activityRule = new Rule(this, 'ActivityLoggedRule', {
      description: `Nudges: ${ACTIVITY_LOGGED} events from other services to the nudges ingest function`,
      eventPattern: { detailType: [ACTIVITY_LOGGED] },
      targets: [
        new LambdaFunction(this.ingest, {
          deadLetterQueue: this.ingestFailedEvents,
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    this.scheduleDeadLetterQueue = failedEventsQueue(
      this,
      'ScheduleDeadLetterQueue',
      "the hourly schedule's undelivered invocations and the evaluation's failed runs",
    );
    this.evaluate = new CoachingFunction(this, 'Evaluate', {
      entry: path.join(REPO_ROOT, 'functions/nudges/handlers/evaluate-nudges.ts'),
      description: 'Nudges: hourly time and pattern nudges for the users active this week (Scheduler target)',
      timeout: EVALUATE_TIMEOUT,
      bundlePrompts: readsPrompts(EVALUATE_GRANTS),
    });
    addServiceEnvironment(this.evaluate);
    grantAll(this.evaluate, EVALUATE_GRANTS, targets);
    const { schedule, role } = scheduleInvoking(this, 'Schedule', {
      description: 'Hourly nudges: invokes the nudges evaluation function',
      expression: NUDGE_SCHEDULE,
      timeZone: 'UTC',
      target: this.evaluate,
      deadLetterQueue: this.scheduleDeadLetterQueue,
      roleId: 'SchedulerRole',
    });
    this.schedule = schedule;
    this.schedulerRole = role;

    alarmOnMessages(
      this,
      'NudgeIngestFailedEvents',
      this.ingestFailedEvents,
      'Nudges: ActivityLogged events were not recorded (undeliverable, or the ingest failed after retries). They ' +
        'are in the ingest failed-events queue.',
    );
    alarmOnMessages(
      this,
      'NudgeScheduleDeadLetters',
      this.scheduleDeadLetterQueue,
      'Nudges: an hourly evaluation did not run (Scheduler could not invoke it, or it failed after retries).',
    );
  }
}
