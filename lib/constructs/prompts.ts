import * as path from 'node:path';
import { type CfnResource, DefaultStackSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { EventType, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
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
    const logGroup = new LogGroup(this, 'SeedDeploymentLogs', { retention: LOG_RETENTION });
    // Our own role instead of AWSLambdaBasicExecutionRole, so the provider may write only to its log group.
    const role = new Role(this, 'SeedDeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    const deployment = new BucketDeployment(this, 'SeedDeployment', {
      sources: [Source.asset(path.join(REPO_ROOT, 'prompts'))],
      destinationBucket: data.promptsBucket,
      prune: false,
      retainOnDelete: true,
      role,
      logGroup,
    });

    // The grants below are written by BucketDeployment itself (asset bucket read, destination bucket write) and
    // cannot be narrowed from outside; they belong to a provider function that runs only during deployments.
    const qualifier: string =
      (this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const promptsBucketId = Stack.of(this).getLogicalId(data.promptsBucket.node.defaultChild as CfnBucket);
    const deploymentGrants = {
      'Action::s3:GetObject*': 'reads the prompts/ asset zip and the existing objects it copies over',
      'Action::s3:GetBucket*': 'reads the location and settings of the assets and prompts buckets',
      'Action::s3:List*': 'lists the asset and the prompts bucket while syncing the folder',
      'Action::s3:DeleteObject*': 'is granted delete for pruning, which is switched off here (prune: false)',
      'Action::s3:Abort*': 'aborts its own failed multipart uploads into the prompts bucket',
      [`Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`]:
        'reads assets whose keys are content hashes chosen at synth, inside the CDK bootstrap assets bucket',
      [`Resource::<${promptsBucketId}.Arn>/*`]: 'writes <topic>/<version>.json templates under any topic',
    };
    for (const [finding, why] of Object.entries(deploymentGrants)) {
      Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `aws-cdk-lib BucketDeployment provider (deploy-time only) ${why}; its grants are not configurable.`,
      });
    }
    const provider = Stack.of(this)
      .node.findAll()
      .find((construct) => construct instanceof LambdaFunction && construct.role === role);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'The BucketDeployment provider is a Python function whose runtime aws-cdk-lib chooses and does not expose; ' +
          'it runs only while deploying prompts and is updated with aws-cdk-lib.',
      });
    }
    return deployment;
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
