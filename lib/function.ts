import * as path from 'node:path';
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { CfnKnowledgeBase } from 'aws-cdk-lib/aws-bedrock';
import type { CfnTable, ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import type { TableDefinition } from '../functions/shared/dynamo/tables';
import { referenceIn } from './stacks';
import { TRACER_MODULE, TracingLayer } from './tracing-layer';

/** The repository root: handler entries and the prompts folder are resolved against it. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** The service name every function reports to Powertools (logs, metrics, traces): its EMF metrics' `service`. */
export const SERVICE_NAME = 'coaching-service';

/** The CloudWatch namespace of the functions' EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'CoachingService';

/** Where functions' logs are kept, and for how long. */
export const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** Cross-region inference profile ids carry a geography prefix in front of the foundation model id. */
const INFERENCE_PROFILE_PREFIX = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\./;

/** The .NET business APIs a function calls on the user's behalf (HTTP with the caller's token, no IAM). */
export interface BusinessApiUrls {
  readonly accountApiUrl: string;
  readonly tractionApiUrl: string;
}

/** The JWT groups of the two admin roles, where a deployment names them otherwise than the functions' defaults. */
export interface RoleGroups {
  /** A tenant's administrators (JWT_ADMIN_GROUP; default `admin`). */
  readonly admin?: string;
  /** Platform administrators (JWT_PLATFORM_ADMIN_GROUP; default `platform-admin`). */
  readonly platformAdmin?: string;
}

/** What differs between the service's functions; everything else is a default of CoachingFunction. */
export interface CoachingFunctionProps {
  /** Absolute path of the handler module; it exports `handler` (response-streaming ones too). */
  readonly entry: string;
  readonly description?: string;
  /** @default 29 seconds, just under API Gateway's 30 s integration timeout */
  readonly timeout?: Duration;
  /** Concurrent executions set aside for (and capping) this function. @default none: the account's pool */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Ships the repository's prompts/ folder inside the bundle (at /var/task/prompts, passed in PROMPTS_DIR): the
   * copy the prompt store falls back to when the bucket or the index is unreachable. Required by bindPromptsBucket.
   * @default false
   */
  readonly bundlePrompts?: boolean;
}

/**
 * The capability whose code a handler module is: the folder of `entry` (an absolute path) under functions/, e.g.
 * `insights` for functions/insights/handlers/list-insights.ts.
 */
export const capabilityOf = (entry: string): string => {
  const [capability] = path.relative(path.join(REPO_ROOT, 'functions'), entry).split(path.sep);
  if (!capability || capability.startsWith('..') || capability === path.basename(entry)) {
    throw new Error(`${entry} is not in a capability's folder under functions/`);
  }
  return capability;
};

/** Where the bundled prompts land, relative to the bundle root (the Lambda's working directory, /var/task). */
const BUNDLED_PROMPTS_DIR = 'prompts';

/** esbuild output gets a copy of `<project root>/prompts`; inputDir is the project root, locally or in Docker. */
const copyPromptsIntoBundle: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [`cp -r "${inputDir}/prompts" "${outputDir}/${BUNDLED_PROMPTS_DIR}"`],
};

/**
 * The one Lambda function construct of the service, holding the defaults (Node.js 22 on arm64, X-Ray with the
 * tracing layer, JSON logs into an explicit log group, Powertools env, esbuild bundling). Its role starts empty: the
 * bind helpers are the only way to grant access, and each one also passes the env var that names what it granted.
 */
export class CoachingFunction extends NodejsFunction {
  /** Whether the bundle carries the prompts/ fallback copy (props.bundlePrompts). */
  readonly bundlesPrompts: boolean;
  /** The capability whose code it runs: the folder of its entry under functions/ (e.g. `insights`). */
  readonly capability: string;
  private readonly serviceRole: Role;

  constructor(scope: Construct, id: string, props: CoachingFunctionProps) {
    // Siblings rather than children: a construct cannot create children before super().
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: LOG_RETENTION });
    // Our own role instead of the default AWSLambdaBasicExecutionRole (which may write to every log group):
    // this function may write only to its own log group.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(29),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      layers: [TracingLayer.of(scope)],
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: 'INFO',
      },
      bundling: {
        minify: true,
        // esbuild reports only errors: its per-bundle size table would print ~200 lines on every synth.
        logLevel: LogLevel.ERROR,
        // The map ships beside the bundle but is not loaded at start: `--enable-source-maps` parses it at every cold
        // start (~60 ms, measured). To read a trace in the TypeScript sources, set NODE_OPTIONS=--enable-source-maps
        // on the function while investigating (docs/runbook.md).
        sourceMap: true,
        target: 'node22',
        // ESM builds first: packages such as @smithy/core tree-shake only there (their CommonJS builds bundle whole).
        mainFields: ['module', 'main'],
        // The Node.js 22 Lambda runtime ships AWS SDK v3; bundling our own copy would only grow the cold start. The
        // tracer comes from the tracing layer, loaded with the first invocation (functions/shared/tracing.ts).
        externalModules: ['@aws-sdk/*', TRACER_MODULE],
        ...(props.bundlePrompts ? { commandHooks: copyPromptsIntoBundle } : {}),
      },
    });
    this.serviceRole = role;
    this.bundlesPrompts = props.bundlePrompts ?? false;
    this.capability = capabilityOf(props.entry);
    if (this.bundlesPrompts) this.addEnvironment('PROMPTS_DIR', BUNDLED_PROMPTS_DIR);

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "Node.js 22 is the project's pinned Lambda runtime (see DESIGN/TOOLING): bundles target node22 and the code " +
        'is tested against it. Moving to Node.js 24 is a deliberate upgrade of runtime and target together.',
    });
    Validations.of(this.defaultPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) is granted on "*": X-Ray has no ' +
        'resource-level permissions. The infra test asserts no other action is granted on "*".',
    });
  }

  /** Grants read or read-write on a table and passes its name in the table's env var (definition.envVar). */
  bindTable(table: ITable, definition: TableDefinition, access: 'read' | 'readWrite'): void {
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    this.addEnvironment(definition.envVar, table.tableName);
    const indexes = definition.indexes ?? [];
    if (indexes.length > 0) {
      const tableArn = referenceIn(this, table.node.defaultChild as CfnTable, 'Arn');
      Validations.of(this.defaultPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
        reason:
          `The grant covers the global secondary indexes of the ${definition.id} table ` +
          `(${indexes.map((index) => index.name).join(', ')}), which CDK writes as <table>/index/*.`,
      });
    }
  }

  /**
   * Grants access to the prompt templates and passes the bucket name in PROMPTS_BUCKET, and the allowed models in
   * BEDROCK_ALLOWED_MODELS (templates are validated against them; no Bedrock permission comes with it).
   * 'read' lists and reads objects, including pinned object versions; 'readWrite' also puts new objects. Nothing
   * may delete: published versions are immutable. The function must bundle the prompts/ fallback copy.
   */
  bindPromptsBucket(bucket: Bucket, access: 'read' | 'readWrite', allowedModelIds: readonly string[]): void {
    if (!this.bundlesPrompts) {
      throw new Error(`${this.node.path} reads prompts but does not bundle the prompts/ fallback (bundlePrompts)`);
    }
    const objectActions = ['s3:GetObject', 's3:GetObjectVersion', ...(access === 'readWrite' ? ['s3:PutObject'] : [])];
    this.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    this.addToRolePolicy(new PolicyStatement({ actions: objectActions, resources: [bucket.arnForObjects('*')] }));
    this.addEnvironment('PROMPTS_BUCKET', bucket.bucketName);
    this.addEnvironment('BEDROCK_ALLOWED_MODELS', allowedModelIds.join(','));

    const bucketArn = referenceIn(this, bucket.node.defaultChild as CfnBucket, 'Arn');
    Validations.of(this.defaultPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
      reason:
        'Templates are stored as <topic>/<version>.json for any topic and version, and the bucket holds nothing ' +
        `else; the grant is ${objectActions.join(', ')} on its objects` +
        (access === 'readWrite' ? ' (publishing writes new version keys; no delete).' : ' (read-only).'),
    });
  }

  /**
   * Grants bedrock:InvokeModel(+WithResponseStream) on exactly these models (inference profiles and the foundation
   * models they route to), and passes them in BEDROCK_MODEL_ID (the first) and BEDROCK_ALLOWED_MODELS.
   */
  allowBedrock(modelIds: readonly string[]): void {
    const [defaultModel] = modelIds;
    if (defaultModel === undefined) throw new Error('allowBedrock needs at least one model id');
    const stack = Stack.of(this);
    const resources = modelIds.flatMap((modelId) => {
      const foundationModel = modelId.replace(INFERENCE_PROFILE_PREFIX, '');
      if (foundationModel === modelId) {
        return [`arn:${Aws.PARTITION}:bedrock:${Aws.REGION}::foundation-model/${modelId}`];
      }
      // A cross-region profile routes each request to one of its geography's regions, so the foundation model
      // must be allowed in any region; the profile ARN is what callers name and is pinned to this region.
      Validations.of(this.defaultPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${foundationModel}]`,
        reason:
          `${modelId} is a cross-region inference profile that serves ${foundationModel} from whichever region of ` +
          'its geography has capacity; Bedrock authorizes the foundation model in that region, so the region is "*" ' +
          'while the model is pinned.',
      });
      return [
        stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId }),
        `arn:${Aws.PARTITION}:bedrock:*::foundation-model/${foundationModel}`,
      ];
    });
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'InvokeConfiguredModels',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources,
      }),
    );
    this.addEnvironment('BEDROCK_MODEL_ID', defaultModel);
    this.addEnvironment('BEDROCK_ALLOWED_MODELS', modelIds.join(','));
  }

  /**
   * Grants events:PutEvents on exactly this bus and passes its name in HANDOFF_EVENT_BUS (where the support desk
   * publishes human hand-off requests, escalations' and conversations'; without it they are only logged).
   */
  bindHandoffBus(bus: IEventBus): void {
    bus.grantPutEventsTo(this);
    this.addEnvironment('HANDOFF_EVENT_BUS', bus.eventBusName);
  }

  /**
   * Passes what a function needs to verify bearer tokens itself (JWT_ISSUER, JWT_AUDIENCE comma-joined): for
   * functions reached without API Gateway's JWT authorizer. Like the authorizer, the function finds the issuer's keys
   * through its OIDC discovery document (`<issuer>/.well-known/openid-configuration`). No IAM comes with it; the
   * keys are fetched over HTTPS.
   */
  verifyJwt(issuer: string, audience: readonly string[]): void {
    if (audience.length === 0) throw new Error(`${this.node.path} verifies tokens but has no accepted audience`);
    this.addEnvironment('JWT_ISSUER', issuer);
    this.addEnvironment('JWT_AUDIENCE', audience.join(','));
  }

  /**
   * Passes the groups the function reads a caller's roles from (JWT_ADMIN_GROUP, JWT_PLATFORM_ADMIN_GROUP), those the
   * deployment names; the others keep the functions' defaults. No IAM comes with it.
   */
  bindRoleGroups(groups: RoleGroups): void {
    if (groups.admin !== undefined) this.addEnvironment('JWT_ADMIN_GROUP', groups.admin);
    if (groups.platformAdmin !== undefined) this.addEnvironment('JWT_PLATFORM_ADMIN_GROUP', groups.platformAdmin);
  }

  /** Passes the .NET business API base URLs (ACCOUNT_API_URL, TRACTION_API_URL). */
  bindBusinessApis(urls: BusinessApiUrls): void {
    this.addEnvironment('ACCOUNT_API_URL', urls.accountApiUrl);
    this.addEnvironment('TRACTION_API_URL', urls.tractionApiUrl);
  }

  /**
   * Grants sqs:SendMessage (with GetQueueUrl, GetQueueAttributes) on exactly one queue and passes its URL in `envVar`
   * (e.g. BATCH_QUEUE_URL: the enqueue function sends tonight's tenants; a worker puts throttled jobs back).
   */
  bindQueue(queue: IQueue, envVar: string): void {
    queue.grantSendMessages(this);
    this.addEnvironment(envVar, queue.queueUrl);
  }

  /**
   * Grants read (secretsmanager:GetSecretValue, DescribeSecret) on exactly the business APIs' client-credentials
   * secret and passes its name in BUSINESS_API_CLIENT_SECRET_ID. A secret encrypted with a customer-managed KMS key
   * also needs kms:Decrypt on that key, which this does not grant.
   */
  bindBusinessApiSecret(secret: ISecret): void {
    secret.grantRead(this);
    this.addEnvironment('BUSINESS_API_CLIENT_SECRET_ID', secret.secretName);
  }

  /**
   * Grants read on exactly the cursor key secret and passes its ARN in CURSOR_KEY_SECRET_ID: for functions that page
   * lists (they sign and open cursors with it, shared/pagination.ts).
   */
  bindCursorKey(secret: ISecret): void {
    secret.grantRead(this);
    this.addEnvironment('CURSOR_KEY_SECRET_ID', secret.secretArn);
  }

  /**
   * Grants bedrock:Retrieve on exactly this knowledge base and passes its id in KNOWLEDGE_BASE_ID (the help-article
   * search then queries it instead of the bundled local index).
   */
  bindKnowledgeBase(knowledgeBase: CfnKnowledgeBase): void {
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'RetrieveFromKnowledgeBase',
        actions: ['bedrock:Retrieve'],
        resources: [knowledgeBase.attrKnowledgeBaseArn],
      }),
    );
    this.addEnvironment('KNOWLEDGE_BASE_ID', knowledgeBase.attrKnowledgeBaseId);
  }

  /** The role's inline policy, where every grant lands: acknowledgements are scoped to it. */
  private get defaultPolicy(): IConstruct {
    return this.serviceRole.node.findChild('DefaultPolicy');
  }
}
