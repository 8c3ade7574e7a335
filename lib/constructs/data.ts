import * as path from 'node:path';
import { DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { tables, type TableName } from '../../functions/shared/dynamo/tables';
import { LOG_RETENTION, REPO_ROOT } from '../function';

/** The service's state: one DynamoDB table per entry of the shared table definitions, and the prompts bucket. */
export class Data extends Construct {
  /** The tables by the name the route permissions use. */
  readonly tables: Readonly<Record<TableName, Table>>;
  /** Versioned prompt templates, `<topic>/<version>.json`. */
  readonly promptsBucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.tables = Object.fromEntries(
      Object.entries(tables).map(([name, definition]) => [
        name,
        new Table(this, definition.id, {
          partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
          sortKey: { name: definition.sortKey, type: AttributeType.STRING },
          billingMode: BillingMode.PAY_PER_REQUEST,
          timeToLiveAttribute: definition.ttlAttribute,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: TableEncryption.AWS_MANAGED,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      ]),
    ) as Record<TableName, Table>;

    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log destination of the prompts bucket; logging it would need yet another log ' +
        'bucket (or log into itself, which loops). Writes come only from the S3 logging service.',
    });

    this.promptsBucket = new Bucket(this, 'PromptsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'prompts-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.deployPrompts();
  }

  /** Publishes the repository's prompts/ folder; prune is off so admin-published versions are never deleted. */
  private deployPrompts(): void {
    const logGroup = new LogGroup(this, 'PromptsDeploymentLogs', { retention: LOG_RETENTION });
    // Our own role instead of AWSLambdaBasicExecutionRole, so the provider may write only to its log group.
    const role = new Role(this, 'PromptsDeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    new BucketDeployment(this, 'PromptsDeployment', {
      sources: [Source.asset(path.join(REPO_ROOT, 'prompts'))],
      destinationBucket: this.promptsBucket,
      prune: false,
      retainOnDelete: true,
      role,
      logGroup,
    });

    // The grants below are written by BucketDeployment itself (asset bucket read, destination bucket write) and
    // cannot be narrowed from outside; they belong to a provider function that runs only during deployments.
    const qualifier: string =
      this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const promptsBucketId = Stack.of(this).getLogicalId(this.promptsBucket.node.defaultChild as CfnBucket);
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
  }
}
