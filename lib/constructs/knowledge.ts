import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnDataSource, CfnKnowledgeBase } from 'aws-cdk-lib/aws-bedrock';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Source } from 'aws-cdk-lib/aws-s3-deployment';
import { CfnIndex, CfnVectorBucket } from 'aws-cdk-lib/aws-s3vectors';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  PhysicalResourceId,
  type AwsSdkCall,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { Article } from '../../functions/shared/knowledge/article';
import { readArticles } from '../../functions/shared/knowledge/articles-source';
import { dataSourceFilesOf } from '../../functions/shared/knowledge/metadata';
import { deployFiles } from '../bucket-deployment';
import { LOG_RETENTION } from '../function';
import type { Data } from './data';

/** The embedding model: Amazon Titan Text Embeddings V2 (1024, 512 or 256 dimensions; 1024 is its default and best). */
export const EMBEDDING_MODEL_ID = 'amazon.titan-embed-text-v2:0';

/**
 * The vector index's settings. The dimension is the embedding model's output (both are set from it); cosine is what
 * Titan's embeddings are compared by. Bedrock keeps each chunk's text and its own metadata in the two keys named
 * non-filterable: S3 Vectors allows only 2 KB of filterable metadata a vector, which a chunk's text alone would pass.
 */
export const VECTOR_INDEX = {
  dataType: 'float32',
  dimension: 1024,
  distanceMetric: 'cosine',
  nonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'],
} as const;

/** How articles are cut into chunks: about 300 tokens (a few paragraphs), each overlapping the last by 20%. */
export const CHUNKING = { maxTokens: 300, overlapPercentage: 20 } as const;

/** Noncurrent versions of an article (left by a deploy that changed or removed it) are kept this long. */
const NONCURRENT_ARTICLE_DAYS = Duration.days(30);

/** The memory of the articles' deployment provider: not the prompts seed's, so it gets a role of its own. */
const DEPLOYMENT_MEMORY_MB = 512;

/** A short, stable digest of a value's JSON. */
const digest = (value: unknown, length: number): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);

/**
 * The data source's files of the articles (each body without its front matter, and its `.metadata.json` sidecar),
 * written at synth into a folder named by their content's digest, so every synth of the same articles stages the same
 * folder (and asset).
 */
export const stageArticles = (articles: readonly Article[]): string => {
  const files = Object.assign({}, ...articles.map(dataSourceFilesOf)) as Record<string, string>;
  const dir = path.join(tmpdir(), `coaching-knowledge-${digest(files, 16)}`);
  if (existsSync(dir)) return dir;
  // Written beside it and renamed into place, so a synth running at the same time never hashes a half-written folder.
  const writing = mkdtempSync(`${dir}-`);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(writing, name), text);
  try {
    renameSync(writing, dir);
  } catch (error) {
    // Another synth renamed the same files into place first.
    rmSync(writing, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
};

/** What the knowledge base needs of the rest of the stack. */
export interface KnowledgeProps {
  /** The access logs bucket the articles bucket logs to. */
  readonly data: Data;
  /** The articles (default: knowledge/, parsed and validated). */
  readonly articles?: readonly Article[];
}

/**
 * The help articles' Amazon Bedrock Knowledge Base: the articles of knowledge/ copied at deploy into their bucket (each
 * with its metadata sidecar, from the front matter), embedded with Titan Text Embeddings V2 into an S3 Vectors index,
 * and re-ingested by an ingestion job that every deploy whose articles changed starts. S3 Vectors, not OpenSearch
 * Serverless: a few dozen rarely changing articles are a few hundred vectors, which S3 Vectors stores and queries for
 * cents a month with nothing running in between, where a serverless OpenSearch collection bills its minimum OCUs
 * around the clock; its sub-second queries are well within a help search's budget.
 */
export class Knowledge extends Construct {
  /** The data source: `<id>.md` and `<id>.md.metadata.json` per article. */
  readonly articlesBucket: Bucket;
  /** The staged articles, whose hash keys the ingestion job. */
  readonly articlesAsset: Asset;
  readonly vectorBucket: CfnVectorBucket;
  readonly vectorIndex: CfnIndex;
  /** The role Bedrock ingests and queries with. */
  readonly serviceRole: Role;
  readonly knowledgeBase: CfnKnowledgeBase;
  readonly dataSource: CfnDataSource;
  /** Starts an ingestion job on every deploy whose articles changed (StartIngestionJob, keyed by the asset hash). */
  readonly ingestion: AwsCustomResource;

  constructor(scope: Construct, id: string, props: KnowledgeProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.articlesBucket = new Bucket(this, 'ArticlesBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.data.accessLogsBucket,
      serverAccessLogsPrefix: 'knowledge-bucket/',
      lifecycleRules: [
        {
          id: 'OldArticleVersions',
          noncurrentVersionExpiration: NONCURRENT_ARTICLE_DAYS,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.articlesAsset = new Asset(this, 'Articles', { path: stageArticles(props.articles ?? readArticles()) });
    const deployment = deployFiles(this, 'ArticlesDeployment', {
      sources: [Source.bucket(this.articlesAsset.bucket, this.articlesAsset.s3ObjectKey)],
      destinationBucket: this.articlesBucket,
      prune: true,
      objects: '<id>.md articles and their <id>.md.metadata.json sidecars',
      memoryLimit: DEPLOYMENT_MEMORY_MB,
    });

    this.vectorBucket = new CfnVectorBucket(this, 'VectorBucket', {
      encryptionConfiguration: { sseType: 'AES256' },
    });
    // No names: an index or knowledge base whose settings change is replaced, and CloudFormation creates the new one
    // before deleting the old, so a fixed name would collide with itself.
    this.vectorIndex = new CfnIndex(this, 'VectorIndex', {
      vectorBucketArn: this.vectorBucket.attrVectorBucketArn,
      dataType: VECTOR_INDEX.dataType,
      dimension: VECTOR_INDEX.dimension,
      distanceMetric: VECTOR_INDEX.distanceMetric,
      metadataConfiguration: { nonFilterableMetadataKeys: [...VECTOR_INDEX.nonFilterableMetadataKeys] },
    });

    const embeddingModelArn = `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}::foundation-model/${EMBEDDING_MODEL_ID}`;
    this.serviceRole = new Role(this, 'ServiceRole', {
      description: 'Bedrock Knowledge Base of the help articles: reads the articles, embeds them, stores the vectors',
      assumedBy: new ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'bedrock', resource: 'knowledge-base', resourceName: '*' }),
          },
        },
      }),
    });
    this.serviceRole.addToPolicy(
      new PolicyStatement({
        sid: 'ListArticles',
        actions: ['s3:ListBucket'],
        resources: [this.articlesBucket.bucketArn],
      }),
    );
    this.serviceRole.addToPolicy(
      new PolicyStatement({
        sid: 'ReadArticles',
        actions: ['s3:GetObject'],
        resources: [this.articlesBucket.arnForObjects('*')],
      }),
    );
    this.serviceRole.addToPolicy(
      new PolicyStatement({ sid: 'EmbedArticles', actions: ['bedrock:InvokeModel'], resources: [embeddingModelArn] }),
    );
    this.serviceRole.addToPolicy(
      new PolicyStatement({
        sid: 'StoreAndQueryVectors',
        actions: [
          's3vectors:GetIndex',
          's3vectors:PutVectors',
          's3vectors:GetVectors',
          's3vectors:DeleteVectors',
          's3vectors:QueryVectors',
        ],
        resources: [this.vectorIndex.attrIndexArn],
      }),
    );
    const bucketId = stack.getLogicalId(this.articlesBucket.node.defaultChild as CfnBucket);
    Validations.of(this.serviceRole.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        'Bedrock reads every article of the data source when it ingests; the bucket holds only the articles and their ' +
        'metadata sidecars, and the grant is s3:GetObject alone.',
    });

    const name = `${stack.stackName.replace(/[^0-9a-zA-Z]+/g, '-')}-help-articles-${digest(VECTOR_INDEX, 8)}`;
    this.knowledgeBase = new CfnKnowledgeBase(this, 'KnowledgeBase', {
      // Named by the index settings too: a change that replaces the index replaces the knowledge base under a new name.
      name,
      description: 'The help articles of the coaching service (knowledge/), searched by POST /ai/knowledge-base/search',
      roleArn: this.serviceRole.roleArn,
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn,
          embeddingModelConfiguration: {
            bedrockEmbeddingModelConfiguration: { dimensions: VECTOR_INDEX.dimension, embeddingDataType: 'FLOAT32' },
          },
        },
      },
      storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { indexArn: this.vectorIndex.attrIndexArn } },
    });
    // Bedrock checks the role's access when the knowledge base is created.
    this.knowledgeBase.node.addDependency(this.serviceRole);

    this.dataSource = new CfnDataSource(this, 'DataSource', {
      knowledgeBaseId: this.knowledgeBase.attrKnowledgeBaseId,
      name: 'help-articles',
      description: 'The articles bucket, filled from knowledge/ at deploy',
      dataDeletionPolicy: 'DELETE',
      dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: this.articlesBucket.bucketArn } },
      vectorIngestionConfiguration: {
        chunkingConfiguration: { chunkingStrategy: 'FIXED_SIZE', fixedSizeChunkingConfiguration: { ...CHUNKING } },
      },
    });

    this.ingestion = this.startIngestionOnChange();
    // The job must see this deploy's articles, in a data source that exists.
    this.ingestion.node.addDependency(deployment, this.dataSource);
  }

  /**
   * Starts an ingestion job (StartIngestionJob) when the stack is created and whenever the staged articles' asset hash
   * changes (it is in the job's description, so the custom resource's properties change with it): a deploy with the
   * same articles starts none. No client token: the hash as one would make Bedrock ignore the job of a deploy that
   * reverts to earlier articles (a token it has seen), leaving the reverted-from articles in the index. The job runs
   * after the deploy; its outcome is the data source's (docs/runbook.md).
   */
  private startIngestionOnChange(): AwsCustomResource {
    const call: AwsSdkCall = {
      service: '@aws-sdk/client-bedrock-agent',
      action: 'StartIngestionJob',
      parameters: {
        knowledgeBaseId: this.knowledgeBase.attrKnowledgeBaseId,
        dataSourceId: this.dataSource.attrDataSourceId,
        description: `Deploy of the knowledge/ articles ${this.articlesAsset.assetHash}`,
      },
      physicalResourceId: PhysicalResourceId.fromResponse('ingestionJob.ingestionJobId'),
    };
    const logGroup = new LogGroup(this, 'IngestionLogs', { retention: LOG_RETENTION });
    // Our own role instead of AWSLambdaBasicExecutionRole, so the provider may write only to its log group.
    const role = new Role(this, 'IngestionRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const ingestion = new AwsCustomResource(this, 'Ingestion', {
      resourceType: 'Custom::KnowledgeBaseIngestion',
      onCreate: call,
      onUpdate: call,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['bedrock:StartIngestionJob'],
          resources: [this.knowledgeBase.attrKnowledgeBaseArn],
        }),
      ]),
      // The Lambda runtime's own SDK has the bedrock-agent client; downloading the latest at each run only adds time.
      installLatestAwsSdk: false,
      role,
      logGroup,
      timeout: Duration.minutes(2),
    });
    return ingestion;
  }
}
