import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tables, type TableDefinition, type TableName } from '../../functions/shared/dynamo/tables';

/**
 * The service's state: one DynamoDB table per entry of the shared table definitions, and the prompts bucket
 * (its contents, validator and seed are the Prompts construct's).
 */
export class Data extends Construct {
  /** The tables by the name the route permissions use. */
  readonly tables: Readonly<Record<TableName, Table>>;
  /** Versioned prompt templates, `<topic>/<version>.json`. */
  readonly promptsBucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.tables = Object.fromEntries(
      Object.entries(tables).map(([name, definition]: [string, TableDefinition]) => {
        const table = new Table(this, definition.id, {
          partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
          sortKey: { name: definition.sortKey, type: AttributeType.STRING },
          billingMode: BillingMode.PAY_PER_REQUEST,
          timeToLiveAttribute: definition.ttlAttribute,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: TableEncryption.AWS_MANAGED,
          removalPolicy: RemovalPolicy.RETAIN,
        });
        for (const index of definition.indexes ?? []) {
          table.addGlobalSecondaryIndex({
            indexName: index.name,
            partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
            ...(index.sortKey ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } } : {}),
          });
        }
        return [name, table];
      }),
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
  }
}
