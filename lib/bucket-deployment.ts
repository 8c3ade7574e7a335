import { DefaultStackSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BucketDeployment, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { LOG_RETENTION } from './function';

/** What a deploy-time copy of repository files into a bucket is. */
export interface DeployFilesProps {
  readonly sources: ISource[];
  readonly destinationBucket: IBucket;
  /** Delete the bucket's objects that are not in the sources. */
  readonly prune: boolean;
  /** What the objects are, for the acknowledgement of the provider's write grant on every key. */
  readonly objects: string;
  /**
   * The provider function's memory. BucketDeployment keeps one provider (and so one role) per memory size in a stack:
   * deployments into different buckets with different sizes get roles that can each write only their own bucket.
   * @default 1024 (BucketDeployment's)
   */
  readonly memoryLimit?: number;
}

/**
 * Copies files into a bucket at deploy time (aws-cdk-lib's BucketDeployment), through a provider whose role may write
 * only to its own log group (instead of AWSLambdaBasicExecutionRole, which may write to any) besides what
 * BucketDeployment grants it, with those grants' cdk-nag findings acknowledged on that role. The log group, role and
 * deployment are `<id>Logs`, `<id>Role` and `<id>` in `scope`.
 */
export const deployFiles = (scope: Construct, id: string, props: DeployFilesProps): BucketDeployment => {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: LOG_RETENTION });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);

  const deployment = new BucketDeployment(scope, id, {
    sources: props.sources,
    destinationBucket: props.destinationBucket,
    prune: props.prune,
    retainOnDelete: true,
    role,
    logGroup,
    ...(props.memoryLimit === undefined ? {} : { memoryLimit: props.memoryLimit }),
  });

  // The grants below are written by BucketDeployment itself (asset bucket read, destination bucket write) and
  // cannot be narrowed from outside; they belong to a provider function that runs only during deployments.
  const qualifier: string =
    (scope.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const bucketId = Stack.of(scope).getLogicalId(props.destinationBucket.node.defaultChild as CfnBucket);
  const deploymentGrants = {
    'Action::s3:GetObject*': 'reads the asset zip and the existing objects it copies over',
    'Action::s3:GetBucket*': 'reads the location and settings of the assets and destination buckets',
    'Action::s3:List*': 'lists the asset and the destination bucket while syncing the folder',
    'Action::s3:DeleteObject*': props.prune
      ? 'deletes the objects whose files are gone from the folder (prune)'
      : 'is granted delete for pruning, which is switched off here (prune: false)',
    'Action::s3:Abort*': 'aborts its own failed multipart uploads into the destination bucket',
    [`Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`]:
      'reads assets whose keys are content hashes chosen at synth, inside the CDK bootstrap assets bucket',
    [`Resource::<${bucketId}.Arn>/*`]: `writes ${props.objects}`,
  };
  for (const [finding, why] of Object.entries(deploymentGrants)) {
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[${finding}]`,
      reason: `aws-cdk-lib BucketDeployment provider (deploy-time only) ${why}; its grants are not configurable.`,
    });
  }
  const provider = Stack.of(scope)
    .node.findAll()
    .find((construct) => construct instanceof LambdaFunction && construct.role === role);
  if (provider) {
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The BucketDeployment provider is a Python function whose runtime aws-cdk-lib chooses and does not expose; ' +
        'it runs only while deploying and is updated with aws-cdk-lib.',
    });
  }
  return deployment;
};
