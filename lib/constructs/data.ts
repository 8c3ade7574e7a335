import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { tables } from '../../functions/routes';
import type { TableDefinition } from '../../functions/shared/dynamo/tables';
import type { CoachingFunction } from '../function';

/** Noncurrent versions of a template older than this may expire (see the prompts bucket's lifecycle rule). */
const NONCURRENT_TEMPLATE_DAYS = Duration.days(365);
/**
 * The newest noncurrent versions of each template that never expire. A template's served body is the object version
 * the index pinned at publishing; when someone overwrites that key in the bucket (the validator refuses the change),
 * the pinned body becomes noncurrent but is still what requests read, so it must outlast many such overwrites.
 */
const NONCURRENT_TEMPLATES_KEPT = 10;

/** What the data construct needs to know of the deployment. */
export interface DataProps {
  /**
   * Keep the tables whatever happens to the stack: DeletionProtectionEnabled, and RemovalPolicy RETAIN. Off for the dev
   * stage, whose tables go with its stack.
   */
  readonly protectTables: boolean;
}

/**
 * The service's state: one DynamoDB table per table the capabilities declare (the composed list in
 * functions/routes.ts), and the prompts bucket (its contents, validator and seed are the Prompts construct's).
 */
export class Data extends Construct {
  /** The tables by the key route grants name them by. */
  readonly tables: Readonly<Record<string, Table>>;
  /** Versioned prompt templates, `<topic>/<version>.json`. */
  readonly promptsBucket: Bucket;
  /** Where the service's buckets log their server access (each under its own prefix). */
  readonly accessLogsBucket: Bucket;
  /** The key list cursors are signed with (64 generated characters), read by the functions that page lists. */
  readonly cursorKey: Secret;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);

    this.tables = Object.fromEntries(
      Object.entries(tables).map(([name, definition]) => {
        const table = new Table(this, definition.id, {
          partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
          sortKey: { name: definition.sortKey, type: AttributeType.STRING },
          billingMode: BillingMode.PAY_PER_REQUEST,
          timeToLiveAttribute: definition.ttlAttribute,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: TableEncryption.AWS_MANAGED,
          deletionProtection: props.protectTables,
          removalPolicy: props.protectTables ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
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
    );

    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogsBucket = accessLogs;
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log destination of the prompts and knowledge buckets; logging it would need yet ' +
        'another log bucket (or log into itself, which loops). Writes come only from the S3 logging service.',
    });

    this.promptsBucket = new Bucket(this, 'PromptsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'prompts-bucket/',
      lifecycleRules: [
        {
          id: 'OldTemplateVersions',
          noncurrentVersionExpiration: NONCURRENT_TEMPLATE_DAYS,
          noncurrentVersionsToRetain: NONCURRENT_TEMPLATES_KEPT,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.cursorKey = new Secret(this, 'CursorKey', {
      description: 'Signs list cursors (HMAC-SHA256), so a cursor opens only on the list and tenant that issued it',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.cursorKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only signs list cursors, which a client holds for the seconds between two pages; it guards no data ' +
        'at rest and grants no access. Rotating it would only turn the cursors in flight into 400 invalid_cursor.',
    });
  }

  /** The table granted under `key`; synth fails on a key no capability declares. */
  table(key: string): Table {
    const table = this.tables[key];
    if (!table) throw new Error(`No table "${key}": the capabilities declare ${Object.keys(this.tables).join(', ')}`);
    return table;
  }

  /** Grants a function read or read-write on the table under `key` and passes its name in the table's env var. */
  grantTable(fn: CoachingFunction, key: string, access: 'read' | 'readWrite'): void {
    fn.bindTable(this.table(key), tables[key] as TableDefinition, access);
  }
}
