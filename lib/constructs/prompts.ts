import * as path from 'node:path';
import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { type BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deployFiles } from '../bucket-deployment';
import { CoachingFunction, LOG_RETENTION, REPO_ROOT } from '../function';
import { alarmOnMessages, failedEventsQueue } from '../queues';
import type { Data } from './data';

/**
 * The construct id aws-cdk-lib gives the stack-wide singleton that applies bucket notification configurations
 * (a Python custom resource handler). Looked up with findChild, so a change in aws-cdk-lib fails the synth.
 */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/** What the prompt registry's deploy-time pieces need. */
export interface PromptsProps {
  readonly data: Data;
  /** Model or inference profile ids templates may name (validated on indexing; no Bedrock access is granted). */
  readonly bedrockModelIds: readonly string[];
}

/** Lambda's own retries of a failed S3 event before it goes to the validator's failed-events queue. */
const VALIDATOR_RETRY_ATTEMPTS = 2;

/**
 * The prompt registry's bucket side: the validator that indexes every `<topic>/<version>.json` created in the
 * prompts bucket (S3 ObjectCreated, suffix `.json`), and the seed deployment of the repository's prompts/ folder,
 * created after the notification so the seeded files are indexed (and labelled when they say `is_active`). S3 invokes
 * the validator asynchronously: an event that still fails after Lambda's retries lands in an alarmed queue, so an
 * upload that was never indexed does not go unnoticed.
 */
export class Prompts extends Construct {
  /** The S3 event handler (functions/prompt-admin/handlers/index-uploaded-template.ts). */
  readonly validator: CoachingFunction;
  /** S3 events the validator failed on after its retries (its on-failure destination). */
  readonly failedEvents: Queue;

  constructor(scope: Construct, id: string, props: PromptsProps) {
    super(scope, id);
    const { promptsBucket } = props.data;

    this.validator = new CoachingFunction(this, 'Validator', {
      entry: path.join(REPO_ROOT, 'functions/prompt-admin/handlers/index-uploaded-template.ts'),
      description: 'Validates and indexes prompt templates created in the prompts bucket (S3 ObjectCreated)',
      bundlePrompts: true,
    });
    this.validator.bindPromptsBucket(promptsBucket, 'read', props.bedrockModelIds);
    props.data.grantTable(this.validator, 'promptIndex', 'readWrite');

    this.failedEvents = failedEventsQueue(
      this,
      'ValidatorFailedEvents',
      'the S3 events the prompt validator failed on',
    );
    this.validator.configureAsyncInvoke({
      retryAttempts: VALIDATOR_RETRY_ATTEMPTS,
      onFailure: new SqsDestination(this.failedEvents),
    });
    alarmOnMessages(
      this,
      'PromptValidatorFailedEvents',
      this.failedEvents,
      'Prompt validator: an uploaded template was not indexed (the validator failed on its S3 event after ' +
        `${VALIDATOR_RETRY_ATTEMPTS} retries); the event and the error are in the validator's failed-events queue.`,
    );

    promptsBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.validator), {
      suffix: '.json',
    });
    this.configureNotificationsHandler();

    const seed = this.deploySeed(props.data);
    // The bucket's notification configuration (a custom resource under the bucket) must exist before the seed
    // files land, or their ObjectCreated events go nowhere and the index stays empty.
    seed.node.addDependency(promptsBucket.node.findChild('Notifications'));
  }

  /** Publishes the repository's prompts/ folder; prune is off so admin-published versions are never deleted. */
  private deploySeed(data: Data): BucketDeployment {
    return deployFiles(this, 'SeedDeployment', {
      sources: [Source.asset(path.join(REPO_ROOT, 'prompts'))],
      destinationBucket: data.promptsBucket,
      prune: false,
      objects: '<topic>/<version>.json templates under any topic',
    });
  }

  /**
   * Gives aws-cdk-lib's bucket notifications handler (which has no log group setting) a log group with a retention,
   * through its function's LoggingConfig, and acknowledges its findings, scoped to that handler.
   */
  private configureNotificationsHandler(): void {
    const handler = Stack.of(this).node.findChild(NOTIFICATIONS_HANDLER_ID);
    const logGroup = new LogGroup(this, 'NotificationsHandlerLogs', { retention: LOG_RETENTION });
    (handler.node.findChild('Resource') as CfnResource).addPropertyOverride('LoggingConfig', {
      LogGroup: logGroup.logGroupName,
    });
    const handlerRole = handler.node.findChild('Role');
    Validations.of(handlerRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "aws-cdk-lib's bucket notifications handler attaches AWSLambdaBasicExecutionRole to its role unconditionally " +
        '(also to a role given as notificationsHandlerRole), so the managed policy is how it writes to the log group ' +
        'given in its LoggingConfig. It runs only while deploying, and its only other grant is ' +
        's3:PutBucketNotification on the prompts bucket.',
    });
  }
}
