import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BATCH_MAX_RECEIVE_COUNT } from '../../functions/batch/model';
import { routes, type RouteName } from '../../functions/routes';
import { tables, workers } from '../../functions/routes';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../../functions/shared/http/cors';
import type { RouteDefinition } from '../../functions/shared/http/route';
import { WORKER_MAX_RECEIVE_COUNT } from '../../functions/shared/jobs/worker-definition';
import { CoachingStack } from '../../lib/coaching-stack';
import { maxConcurrencyFor } from '../../lib/batch-concurrency';
import { Batch, BATCH_DEFAULTS } from '../../lib/constructs/batch';
import { STREAM_TIMEOUT } from '../../lib/constructs/api';
import { tableGrantsOf } from '../../lib/permissions';
import { Data } from '../../lib/constructs/data';
import { EMBEDDING_MODEL_ID, Knowledge } from '../../lib/constructs/knowledge';
import type { Article } from '../../functions/shared/knowledge/article';
import { readArticles } from '../../functions/shared/knowledge/articles-source';
import { articleMetadataOf } from '../../functions/shared/knowledge/metadata';
import { configSchema, parseEnv } from '../../functions/shared/config';
import { DEADLINE_MARGIN_MS } from '../../functions/shared/http/pipeline';
import { capabilityOf, CoachingFunction, METRICS_NAMESPACE, REPO_ROOT } from '../../lib/function';
import { TracingLayer } from '../../lib/tracing-layer';
import { context as featureFlags } from '../../cdk.json';
import { StackTemplates, type CfnResource } from '../support/stack-templates';

const MODEL_IDS = ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0'];
const JWT_ISSUER = 'https://issuer.test.example.com/';
const JWT_AUDIENCE = ['coaching-test'];
const ROLE_GROUPS = { admin: 'TenantAdmins', platformAdmin: 'PlatformOps' };
const ROUTE_ROWS = Object.values(routes);
const ROUTE_ENTRIES = Object.entries(routes) as [RouteName, (typeof routes)[RouteName]][];
const WORKER_ENTRIES = Object.entries(workers);
/** Rows served through API Gateway; the 'stream' rows are served from Function URLs instead. */
const API_ROWS = ROUTE_ROWS.filter((row) => row.transport !== 'stream');
const STREAM_ENTRIES = ROUTE_ENTRIES.filter(([, row]) => row.transport === 'stream');
const CORS_ORIGINS = ['https://app.example.com'];
const ALARM_EMAILS = ['oncall@coaching.test', 'lead@coaching.test'];
const STREAM_CONCURRENCY = 25;
const BUSINESS_APIS = {
  accountApiUrl: 'https://account.test.example.com',
  tractionApiUrl: 'https://traction.test.example.com',
};
const BATCH_SECRET_NAME = 'coaching/test/business-api-client';
const BATCH_SCHEDULE = 'cron(30 2 * * ? *)';
const BATCH_TIME_ZONE = 'Europe/Berlin';
const TABLE_NAMES = Object.keys(tables);
const DYNAMODB_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const BUCKET_ACTIONS = {
  read: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
  readWrite: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject'],
} as const;

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}
interface NotificationConfiguration {
  readonly LambdaFunctionConfigurations: {
    readonly Events: string[];
    readonly Filter: unknown;
    readonly LambdaFunctionArn: unknown;
  }[];
}

let stack: CoachingStack;
/** The stack's own template: the API, the data, the workers, the monitoring. */
let template: Template;
/** It and its nested stacks' (the route functions, one per capability), references between them followed. */
let templates: StackTemplates;

beforeAll(() => {
  // The CLI's feature flags (cdk.json), without esbuild bundling; the template is built once for the whole file.
  const app = new App({ context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
  stack = new CoachingStack(app, 'CoachingTest', {
    stage: 'test',
    jwtIssuer: JWT_ISSUER,
    jwtAudience: JWT_AUDIENCE,
    roleGroups: ROLE_GROUPS,
    businessApis: BUSINESS_APIS,
    bedrockModelIds: MODEL_IDS,
    corsOrigins: CORS_ORIGINS,
    alarmEmails: ALARM_EMAILS,
    streamReservedConcurrency: STREAM_CONCURRENCY,
    batch: {
      ...BATCH_DEFAULTS,
      schedule: BATCH_SCHEDULE,
      timeZone: BATCH_TIME_ZONE,
      businessApiSecretName: BATCH_SECRET_NAME,
    },
  });
  templates = StackTemplates.of(stack);
  template = templates.templateOf(stack).template;
});

/** The resources of a type in every template (the stack's and its nested stacks'). */
const resources = (type: string): [string, CfnResource][] => templates.resources(type);

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * A CloudFormation string expression flattened to text (`Fn::Join` parts concatenated, references as `<Ref>`,
 * attributes as `<Id.Attribute>`).
 */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const expression = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (expression['Fn::Join']) return expression['Fn::Join'][1].map(flatten).join(expression['Fn::Join'][0]);
  if (expression.Ref) return `<${expression.Ref}>`;
  if (expression['Fn::GetAtt']) return `<${expression['Fn::GetAtt'].join('.')}>`;
  return JSON.stringify(value);
};

const allStatements = (): Statement[] =>
  resources('AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);

/** A construct's logical id in the template of its own stack (the stack, or its capability's nested stack). */
const logicalId = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnBucket | CfnTable | CfnFunction | CfnQueue);

/**
 * The logical id of aws-cdk-lib's AwsCustomResource provider (a stack-wide singleton, here the knowledge base's
 * ingestion starter): a Node.js function whose runtime and settings aws-cdk-lib chooses.
 */
const awsCustomResourceProviderId = (): string =>
  logicalId(stack.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`));

/** Whether a CloudFormation value refers to the resource with this logical id (Ref or Fn::GetAtt, at any depth). */
const refersTo = (value: unknown, id: string): boolean => (JSON.stringify(value) ?? '').includes(`"${id}"`);

/**
 * Whether the functions' code emits a metric of this name: as a literal, or as a `<prefix>_${outcome}` template with an
 * outcome the code names as a literal (e.g. `ModelCalls_${event.outcome}` and `'repaired'`).
 */
const isEmitted = (name: string, sources: string): boolean => {
  if (sources.includes(`'${name}'`)) return true;
  const cut = name.indexOf('_');
  return cut > 0 && sources.includes(`\`${name.slice(0, cut + 1)}\${`) && sources.includes(`'${name.slice(cut + 1)}'`);
};

/** The text of every TypeScript file under functions/. */
const functionSources = (): string =>
  (readdirSync(join(REPO_ROOT, 'functions'), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(REPO_ROOT, 'functions', file), 'utf8'))
    .join('\n');

/** Every CoachingFunction in the stack: the route functions and the functions outside the API. */
const coachingFunctions = (): CoachingFunction[] =>
  stack.node.findAll().filter((construct): construct is CoachingFunction => construct instanceof CoachingFunction);

/** Every statement granted to a function: its role has no managed or inline policies, only attached ones. */
const statementsOf = (fn: CoachingFunction): Statement[] => {
  const role = fn.role?.node.defaultChild as CfnRole;
  const roleId = Stack.of(role).getLogicalId(role);
  const [, roleResource] = resources('AWS::IAM::Role').find(([id]) => id === roleId) ?? [];
  expect(roleResource).toBeDefined();
  expect(roleResource?.Properties.ManagedPolicyArns).toBeUndefined();
  expect(roleResource?.Properties.Policies).toBeUndefined();
  return resources('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((ref: { Ref?: string }) => ref.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
};

const statementsOfRoute = (name: RouteName): Statement[] => statementsOf(stack.api.functions[name]);

const actionsOf = (statements: Statement[]): string[] => statements.flatMap((statement) => asArray(statement.Action));

/** The actions a function may perform on one resource (statements naming it, alone or among others). */
const actionsOn = (statements: Statement[], resourceId: string): string[] =>
  [...new Set(actionsOf(statements.filter((statement) => refersTo(statement.Resource, resourceId))))].sort();

const environmentOf = (construct: CoachingFunction): Record<string, unknown> => {
  const functionId = logicalId(construct);
  const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id === functionId) ?? [];
  return fn?.Properties.Environment.Variables ?? {};
};

const environmentOfRoute = (name: RouteName): Record<string, unknown> => environmentOf(stack.api.functions[name]);

describe('templates', () => {
  /** Well under CloudFormation's limits of a template (500 resources, 200 parameters, 200 outputs): room to grow. */
  const BUDGET = { resources: 400, parameters: 150, outputs: 150 } as const;
  interface Size {
    readonly template: string;
    readonly resources: number;
    readonly parameters: number;
    readonly outputs: number;
  }
  const sizeOf = (template: string, json: { Resources?: object; Parameters?: object; Outputs?: object }): Size => ({
    template,
    resources: Object.keys(json.Resources ?? {}).length,
    parameters: Object.keys(json.Parameters ?? {}).length,
    outputs: Object.keys(json.Outputs ?? {}).length,
  });
  const overBudget = (sizes: readonly Size[]): Size[] =>
    sizes.filter(
      (size) =>
        size.resources > BUDGET.resources || size.parameters > BUDGET.parameters || size.outputs > BUDGET.outputs,
    );
  /** Logical ids of what holds data; another id would replace the resource, and lose what it holds. */
  const STATEFUL_IDS = {
    'AWS::DynamoDB::Table': [
      'DataAnalyses60B2A83C',
      'DataBatch2A990D0F',
      'DataConversationRequestsFF75D2D9',
      'DataConversations41BA6FE0',
      'DataInsightsDCD7A898',
      'DataJobs35074708',
      'DataMetricHistoryE9B6C008',
      'DataNudges76114CA1',
      'DataPromptIndex4FD27A65',
      'DataSourceHealthCD6F456B',
      'DataTicketsF295CC6A',
      'DataUsage79DD4968',
    ],
    'AWS::S3::Bucket': ['DataAccessLogsBucketC3B60382', 'DataPromptsBucketC0252919', 'KnowledgeArticlesBucketDE21F65C'],
    'AWS::S3Vectors::VectorBucket': ['KnowledgeVectorBucket04B96F25'],
    'AWS::S3Vectors::Index': ['KnowledgeVectorIndexE5F76528'],
    'AWS::Bedrock::KnowledgeBase': ['KnowledgeKnowledgeBase7F97F906'],
    'AWS::SecretsManager::Secret': ['DataCursorKey92AB940B'],
    'AWS::SQS::Queue': [
      'BatchDeadLetterQueueF9DFFFE6',
      'BatchRunQueue22BC33D8',
      'BatchScheduleDeadLetterQueue00192857',
      'NudgesIngestFailedEvents5A86DF09',
      'NudgesScheduleDeadLetterQueueCF6BD22F',
      'PromptsValidatorFailedEvents7CC24E3F',
      'WorkersAnalysisJobsDeadLetterQueue3420C98F',
      'WorkersAnalysisJobsQueue7093F07C',
      'WorkersInsightJobsDeadLetterQueue3E40F7C2',
      'WorkersInsightJobsQueue590F7F5F',
    ],
  } as const;

  it("keeps every template, the stack's and each nested stack's, within the budget of resources, parameters and outputs", () => {
    const sizes = templates.all.map(({ stack: each, json }) => sizeOf(each.node.path, json));

    expect(sizes.length).toBeGreaterThan(1);
    expect(overBudget(sizes)).toEqual([]);
  });

  it('would be over the budget in one template: the nested stacks are what keeps each under it', () => {
    const everything = Object.fromEntries(
      templates.resources().filter(([, resource]) => resource.Type !== 'AWS::CloudFormation::Stack'),
    );

    expect(overBudget([sizeOf('everything in the stack', { Resources: everything })])).toEqual([
      expect.objectContaining({ template: 'everything in the stack' }),
    ]);
  });

  it("puts each route's function, role, policy, log group and API route in the nested stack of its capability", () => {
    const capabilities = [...new Set(ROUTE_ROWS.map((row) => capabilityOf(join(REPO_ROOT, row.handler))))];

    expect(Object.keys(stack.api.stacks).sort()).toEqual(capabilities.sort());
    for (const [name, row] of ROUTE_ENTRIES) {
      const fn = stack.api.functions[name];
      const nested = stack.api.stacks[capabilityOf(join(REPO_ROOT, row.handler))];
      const { json } = templates.templateOf(fn);
      const own = Object.entries(json.Resources ?? {});
      const roleId = logicalId(fn.role!);
      const placed = {
        stack: Stack.of(fn).node.path,
        function: own.some(([id]) => id === logicalId(fn)),
        role: own.some(([id]) => id === roleId),
        policy: own.some(([, r]) => r.Type === 'AWS::IAM::Policy' && refersTo(r.Properties.Roles, roleId)),
        logGroup: own.some(([id]) => id === logicalId(fn.logGroup)),
        routes: own.filter(
          ([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === `${row.method} ${row.path}`,
        ).length,
      };
      expect({ name, placed }).toEqual({
        name,
        placed: {
          stack: nested?.node.path,
          function: true,
          role: true,
          policy: true,
          logGroup: true,
          routes: row.transport === 'stream' ? 0 : 1,
        },
      });
    }
  });

  it('keeps what holds data, the API, the layer and every alarm in the stack, the data under its logical ids', () => {
    const nestedTypes = templates.all
      .filter(({ stack: each }) => each !== stack)
      .flatMap(({ json }) => Object.values(json.Resources ?? {}).map((resource) => resource.Type));
    const stateful = Object.fromEntries(
      Object.keys(STATEFUL_IDS).map((type) => [
        type,
        resources(type)
          .map(([id]) => id)
          .sort(),
      ]),
    );

    expect(stateful).toEqual(STATEFUL_IDS);
    for (const [type] of Object.entries(STATEFUL_IDS)) {
      for (const [id] of resources(type)) expect(templates.ownerOf(id).stack).toBe(stack);
    }
    expect([...new Set(nestedTypes)].sort()).toEqual([
      'AWS::ApiGatewayV2::Integration',
      'AWS::ApiGatewayV2::Route',
      'AWS::IAM::Policy',
      'AWS::IAM::Role',
      'AWS::Lambda::Function',
      'AWS::Lambda::Permission',
      'AWS::Lambda::Url',
      'AWS::Logs::LogGroup',
    ]);
  });
});

describe('functions', () => {
  it('creates one Node.js 22 arm64 function per route and per worker, the prompt validator, the batch and nudges pairs', () => {
    const nodeFunctions = resources('AWS::Lambda::Function').filter(
      ([id, fn]) => String(fn.Properties.Runtime).startsWith('nodejs') && id !== awsCustomResourceProviderId(),
    );
    const timeouts = new Map([
      [logicalId(stack.batch.worker), 300],
      [logicalId(stack.batch.enqueue), 900],
      [logicalId(stack.nudges.ingest), 30],
      [logicalId(stack.nudges.evaluate), 300],
      ...WORKER_ENTRIES.map(
        ([key, worker]) => [logicalId(stack.workers.byKey[key]!.fn), worker.timeoutSeconds] as const,
      ),
      ...STREAM_ENTRIES.map(([name]) => [logicalId(stack.api.functions[name]), STREAM_TIMEOUT.toSeconds()] as const),
    ]);

    expect(nodeFunctions).toHaveLength(ROUTE_ROWS.length + 5 + WORKER_ENTRIES.length);
    expect(nodeFunctions.map(([id]) => id)).toEqual(
      expect.arrayContaining([logicalId(stack.prompts.validator), ...timeouts.keys()]),
    );
    for (const [id, fn] of nodeFunctions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: timeouts.get(id) ?? 29,
        TracingConfig: { Mode: 'Active' },
        Layers: [{ Ref: logicalId(TracingLayer.of(stack)) }],
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
  });

  it('ships Powertools Tracer in one layer of the stack, for Node.js 22 on arm64 like the functions', () => {
    const layers = resources('AWS::Lambda::LayerVersion').filter(([id]) => id === logicalId(TracingLayer.of(stack)));

    expect(layers).toHaveLength(1);
    expect(templates.ownerOf(layers[0]![0]).stack).toBe(stack);
    expect(layers[0]?.[1].Properties).toMatchObject({
      CompatibleRuntimes: ['nodejs22.x'],
      CompatibleArchitectures: ['arm64'],
    });
  });

  it("gives every function of the template, ours and aws-cdk-lib's custom resource handlers, a log group with a retention", () => {
    const functions = resources('AWS::Lambda::Function');
    const logGroups = new Map(resources('AWS::Logs::LogGroup'));

    // The prompts seed's and the articles' BucketDeployment providers, and the bucket notifications handler.
    expect(functions.filter(([, fn]) => String(fn.Properties.Runtime).startsWith('python')).length).toBe(3);
    expect(functions.map(([id]) => id)).toContain(awsCustomResourceProviderId());
    for (const [id, fn] of functions) {
      const logGroupId = fn.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined;
      expect({ id, retention: logGroups.get(logGroupId ?? '')?.Properties.RetentionInDays }).toEqual({
        id,
        retention: expect.any(Number),
      });
    }
  });

  it('bundles the prompts folder, named by PROMPTS_DIR, with exactly the functions that read prompts', () => {
    const readsPrompts = (row: RouteDefinition): boolean => row.grants.promptsBucket !== undefined;
    const readers = ROUTE_ENTRIES.filter(([, row]) => readsPrompts(row)).map(([name]) => name);
    const others = ROUTE_ENTRIES.filter(([, row]) => !readsPrompts(row)).map(([name]) => name);

    expect(readers).toContain('startConversation');
    expect(others).toContain('health');
    for (const name of readers) {
      expect({ name, bundles: stack.api.functions[name].bundlesPrompts }).toEqual({ name, bundles: true });
      expect(environmentOfRoute(name)).toHaveProperty('PROMPTS_DIR', 'prompts');
    }
    for (const name of others) {
      expect({ name, bundles: stack.api.functions[name].bundlesPrompts }).toEqual({ name, bundles: false });
      expect(environmentOfRoute(name)).not.toHaveProperty('PROMPTS_DIR');
    }
    for (const fn of [
      stack.prompts.validator,
      stack.batch.worker,
      stack.workers.byKey.insightJobs!.fn,
      stack.nudges.ingest,
      stack.nudges.evaluate,
    ]) {
      expect(fn.bundlesPrompts).toBe(true);
      expect(environmentOf(fn)).toHaveProperty('PROMPTS_DIR', 'prompts');
    }
    expect(stack.batch.enqueue.bundlesPrompts).toBe(false);
  });
});

describe('api', () => {
  it('creates one route per non-streaming route table row with its method and path', () => {
    const routeKeys = resources('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);

    expect(API_ROWS.length).toBeLessThan(ROUTE_ROWS.length);
    expect(routeKeys.sort()).toEqual(API_ROWS.map((row) => `${row.method} ${row.path}`).sort());
  });

  it('configures the JWT authorizer from the issuer and audience', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: JWT_ISSUER, Audience: JWT_AUDIENCE },
    });
  });

  it('attaches the JWT authorizer to every user and admin route and none to the public routes', () => {
    const authorizerId = resources('AWS::ApiGatewayV2::Authorizer')[0]?.[0];
    const byKey = new Map(resources('AWS::ApiGatewayV2::Route').map(([, route]) => [route.Properties.RouteKey, route]));

    for (const row of API_ROWS) {
      const route = byKey.get(`${row.method} ${row.path}`);
      if (row.auth === 'none') {
        expect(route?.Properties.AuthorizationType).toBe('NONE');
        expect(route?.Properties.AuthorizerId).toBeUndefined();
      } else {
        expect(route?.Properties.AuthorizationType).toBe('JWT');
        expect(route?.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('puts every /admin route behind the JWT authorizer', () => {
    const authorizerId = resources('AWS::ApiGatewayV2::Authorizer')[0]?.[0];
    const adminRoutes = resources('AWS::ApiGatewayV2::Route').filter(([, route]) =>
      String(route.Properties.RouteKey).split(' ')[1]?.startsWith('/admin/'),
    );

    expect(adminRoutes.length).toBe(API_ROWS.filter((row) => row.path.startsWith('/admin/')).length);
    expect(adminRoutes.length).toBeGreaterThan(0);
    for (const [, route] of adminRoutes) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
  });

  it("passes the deployment's admin group names to every authenticated route's function, and to no other", () => {
    const groupsOf = (environment: Record<string, unknown>) => ({
      admin: environment.JWT_ADMIN_GROUP,
      platformAdmin: environment.JWT_PLATFORM_ADMIN_GROUP,
    });
    const routeFunctions = new Set<CoachingFunction>(Object.values(stack.api.functions));

    for (const [name, row] of ROUTE_ENTRIES) {
      expect({ name, groups: groupsOf(environmentOfRoute(name)) }).toEqual({
        name,
        groups: row.auth === 'none' ? { admin: undefined, platformAdmin: undefined } : ROLE_GROUPS,
      });
    }
    for (const fn of coachingFunctions().filter((candidate) => !routeFunctions.has(candidate))) {
      expect({ fn: fn.node.path, groups: groupsOf(environmentOf(fn)) }).toEqual({
        fn: fn.node.path,
        groups: { admin: undefined, platformAdmin: undefined },
      });
    }
  });

  it('answers CORS preflights in API Gateway, only for the configured origins, with the shared CORS contract', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: CORS_ORIGINS,
        AllowMethods: [...CORS_ALLOW_METHODS],
        AllowHeaders: CORS_ALLOW_HEADERS,
        ExposeHeaders: CORS_EXPOSE_HEADERS,
        MaxAge: CORS_MAX_AGE_SECONDS,
      },
    });
  });

  it('logs access to a log group and throttles on the default stage', () => {
    const stages = resources('AWS::ApiGatewayV2::Stage');
    const stage = stages[0]?.[1];
    const logGroups = new Map(resources('AWS::Logs::LogGroup'));
    const [destinationId] = stage?.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'] ?? [];

    expect(stages).toHaveLength(1);
    expect(stage?.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
    expect(JSON.parse(stage?.Properties.AccessLogSettings.Format)).toHaveProperty('requestId', '$context.requestId');
    expect(logGroups.get(destinationId)?.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(stage?.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage?.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
  });
});

describe('streaming', () => {
  const functionOf = (name: RouteName): CfnResource | undefined =>
    resources('AWS::Lambda::Function').find(([id]) => id === logicalId(stack.api.functions[name]))?.[1];

  it('serves every stream row from a response-streaming Function URL with auth NONE and the configured CORS', () => {
    const urls = resources('AWS::Lambda::Url');

    expect(STREAM_ENTRIES.map(([name]) => name)).toContain('streamConversationReply');
    expect(urls).toHaveLength(STREAM_ENTRIES.length);
    for (const [name, row] of STREAM_ENTRIES) {
      const functionId = logicalId(stack.api.functions[name]);
      const [, url] = urls.find(([, candidate]) => refersTo(candidate.Properties.TargetFunctionArn, functionId)) ?? [];
      expect({ name, url: url?.Properties }).toEqual({
        name,
        url: {
          TargetFunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          AuthType: 'NONE',
          InvokeMode: 'RESPONSE_STREAM',
          Cors: {
            AllowOrigins: CORS_ORIGINS,
            AllowMethods: [row.method],
            AllowHeaders: CORS_ALLOW_HEADERS,
            ExposeHeaders: CORS_EXPOSE_HEADERS,
            MaxAge: CORS_MAX_AGE_SECONDS,
          },
        },
      });
    }
  });

  it('outputs the URL of every stream row', () => {
    const outputs = Object.values(templates.outputs());

    for (const [name] of STREAM_ENTRIES) {
      const url = stack.api.streamUrls[name];
      expect(url).toBeDefined();
      const urlId = url ? logicalId(url) : '';
      const values = outputs.filter((output) => refersTo(output.Value, urlId)).map((output) => output.Value);
      expect({ name, values }).toEqual({ name, values: [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }] });
    }
  });

  it('outputs each stream URL under a fixed key, for the frontend to read from the stack outputs', () => {
    const outputs = templates.outputs();

    expect(outputs.ApiUrl).toBeDefined();
    expect(outputs.StreamConversationReplyUrl?.Value).toEqual({
      'Fn::GetAtt': [logicalId(stack.api.streamUrls.streamConversationReply!), 'FunctionUrl'],
    });
  });

  it('reserves the configured concurrency for each stream function, so a flood at its URL cannot starve the API', () => {
    for (const [name] of STREAM_ENTRIES) {
      expect({ name, reserved: functionOf(name)?.Properties.ReservedConcurrentExecutions }).toEqual({
        name,
        reserved: STREAM_CONCURRENCY,
      });
    }
    const others = resources('AWS::Lambda::Function').filter(
      ([id]) => !STREAM_ENTRIES.some(([name]) => logicalId(stack.api.functions[name]) === id),
    );
    expect(others.filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)).toEqual([]);
  });

  it('times a stream function for a long turn, with a model attempt that leaves a fallback room in the deadline', () => {
    for (const [name] of STREAM_ENTRIES) {
      const timeoutMs = (functionOf(name)?.Properties.Timeout as number) * 1000;
      // The turn's deadline: Lambda's remaining time less the pipeline's margin (invocationOf), so inside the timeout.
      const deadlineMs = timeoutMs - DEADLINE_MARGIN_MS;
      const { BEDROCK_REQUEST_TIMEOUT_MS: attemptMs } = parseEnv(configSchema, {
        BEDROCK_REQUEST_TIMEOUT_MS: environmentOfRoute(name).BEDROCK_REQUEST_TIMEOUT_MS as string | undefined,
      });

      expect(timeoutMs).toBeGreaterThanOrEqual(120_000);
      expect({ name, deadlineInside: deadlineMs > 0 && deadlineMs < timeoutMs }).toEqual({
        name,
        deadlineInside: true,
      });
      // A first model that hangs is cut by its attempt timeout with a whole attempt left for the fallback.
      expect({ name, twoAttemptsFit: 2 * attemptMs <= deadlineMs }).toEqual({ name, twoAttemptsFit: true });
    }
  });

  it("sets the stream URLs' CORS origins to the API's, and leaves CORS to the URL (no CORS settings for the code)", () => {
    const [, api] = resources('AWS::ApiGatewayV2::Api')[0] ?? [];
    const apiOrigins = api?.Properties.CorsConfiguration.AllowOrigins as string[];

    expect(apiOrigins).toEqual(CORS_ORIGINS);
    for (const [, url] of resources('AWS::Lambda::Url')) {
      expect(url.Properties.Cors).toMatchObject({
        AllowOrigins: apiOrigins,
        AllowHeaders: expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
      });
    }
    for (const [name] of STREAM_ENTRIES) {
      expect(environmentOfRoute(name)).not.toHaveProperty('CORS_ORIGINS');
    }
  });

  it('sends no stream row through API Gateway', () => {
    const routeKeys = resources('AWS::ApiGatewayV2::Route').map(([, route]) => String(route.Properties.RouteKey));

    for (const [, row] of STREAM_ENTRIES) {
      expect(routeKeys.filter((key) => key.endsWith(` ${row.path}`))).toEqual([]);
    }
  });

  it('invokes handler everywhere, with the JWT issuer and audiences in the stream functions only', () => {
    for (const [name, row] of ROUTE_ENTRIES) {
      const environment = environmentOfRoute(name);
      const jwt = { issuer: environment.JWT_ISSUER, audience: environment.JWT_AUDIENCE, jwks: environment.JWKS_URL };
      if (row.transport === 'stream') {
        expect({ name, handler: functionOf(name)?.Properties.Handler, jwt }).toEqual({
          name,
          handler: 'index.handler',
          // No JWKS_URL: the function reads the key set's location from the issuer's discovery document.
          jwt: { issuer: JWT_ISSUER, audience: JWT_AUDIENCE.join(','), jwks: undefined },
        });
      } else {
        expect({ name, handler: functionOf(name)?.Properties.Handler, jwt }).toEqual({
          name,
          handler: 'index.handler',
          jwt: { issuer: undefined, audience: undefined, jwks: undefined },
        });
      }
    }
  });

  it('lets any principal invoke only the stream functions, and only through their Function URL', () => {
    const publicPermissions = resources('AWS::Lambda::Permission').filter(
      ([, permission]) => permission.Properties.Principal === '*',
    );
    const streamFunctionIds = STREAM_ENTRIES.map(([name]) => logicalId(stack.api.functions[name]));

    const granted = publicPermissions
      .map(([, { Properties: permission }]) => ({
        fn: permission.FunctionName['Fn::GetAtt']?.[0],
        action: permission.Action,
        urlAuthType: permission.FunctionUrlAuthType,
        viaUrl: permission.InvokedViaFunctionUrl,
      }))
      .sort((a, b) => `${a.fn} ${a.action}`.localeCompare(`${b.fn} ${b.action}`));

    expect(streamFunctionIds.length).toBeGreaterThan(0);
    expect(granted).toEqual(
      streamFunctionIds.sort().flatMap((fn) => [
        { fn, action: 'lambda:InvokeFunction', viaUrl: true },
        { fn, action: 'lambda:InvokeFunctionUrl', urlAuthType: 'NONE' },
      ]),
    );
  });
});

describe('events', () => {
  const busId = (): string => logicalId(stack.events.handoffBus);

  it('creates the hand-off bus without a resource policy', () => {
    const buses = resources('AWS::Events::EventBus');

    expect(buses.map(([id]) => id)).toEqual([busId()]);
    expect(buses[0]?.[1].Properties.Policy).toBeUndefined();
    expect(resources('AWS::Events::EventBusPolicy')).toEqual([]);
  });

  it('lets the handoffEvents rows put events on the hand-off bus only, and names it in HANDOFF_EVENT_BUS', () => {
    const publishers = ROUTE_ENTRIES.filter(([, row]) => row.grants.handoffEvents);

    expect(publishers.map(([name]) => name)).toEqual(
      expect.arrayContaining(['startConversation', 'replyToConversation', 'streamConversationReply', 'escalate']),
    );
    for (const [name] of publishers) {
      const eventStatements = statementsOfRoute(name).filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('events:')),
      );
      expect({
        name,
        actions: actionsOf(eventStatements),
        resources: eventStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten),
        bus: environmentOfRoute(name).HANDOFF_EVENT_BUS,
      }).toEqual({ name, actions: ['events:PutEvents'], resources: [`<${busId()}.Arn>`], bus: { Ref: busId() } });
    }
  });

  it('gives the functions without handoffEvents no EventBridge actions and no bus name', () => {
    const others = coachingFunctions().filter((fn) => {
      const entry = ROUTE_ENTRIES.find(([name]) => stack.api.functions[name] === fn);
      return !entry?.[1].grants?.handoffEvents;
    });

    expect(others).toContain(stack.prompts.validator);
    expect(others.length).toBeGreaterThan(1);
    for (const fn of others) {
      const events = actionsOf(statementsOf(fn)).filter((action) => action.startsWith('events:'));
      expect({ fn: fn.node.path, events, bus: environmentOf(fn).HANDOFF_EVENT_BUS }).toEqual({
        fn: fn.node.path,
        events: [],
        bus: undefined,
      });
    }
  });
});

describe('data', () => {
  it('creates every table on demand with TTL on expiresAt, PITR, SSE, and outside dev deletion protection and retain', () => {
    const tableResources = resources('AWS::DynamoDB::Table');

    expect(tableResources).toHaveLength(TABLE_NAMES.length);
    expect(tableResources.map(([id]) => id)).toContain(logicalId(stack.data.table('promptIndex')));
    for (const [, table] of tableResources) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        DeletionProtectionEnabled: true,
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it('encrypts every bucket, blocks public access and denies requests without TLS', () => {
    const buckets = resources('AWS::S3::Bucket');
    const policies = resources('AWS::S3::BucketPolicy');

    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const [bucketId, bucket] of buckets) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const [, policy] = policies.find(([, candidate]) => candidate.Properties.Bucket.Ref === bucketId) ?? [];
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('lets a dev stack delete its tables', () => {
    const app = new App({ context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
    const dev = new Stack(app, 'DataDev');
    new Data(dev, 'Data', { protectTables: false });
    const tablesOfDev = Object.values(
      Template.fromStack(dev).findResources('AWS::DynamoDB::Table') as Record<string, CfnResource>,
    );

    expect(tablesOfDev).toHaveLength(TABLE_NAMES.length);
    for (const table of tablesOfDev) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('expires old noncurrent template versions, keeping the newest ten of each key, and stale multipart uploads', () => {
    const [, promptsBucket] =
      resources('AWS::S3::Bucket').find(([id]) => id === logicalId(stack.data.promptsBucket)) ?? [];

    expect(promptsBucket?.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'OldTemplateVersions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 365, NewerNoncurrentVersions: 10 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
  });

  it('versions the prompts bucket and logs its access to the other bucket', () => {
    const promptsBucketId = stack.getLogicalId(stack.data.promptsBucket.node.defaultChild as CfnBucket);
    const [, promptsBucket] = resources('AWS::S3::Bucket').find(([id]) => id === promptsBucketId) ?? [];

    expect(promptsBucket?.DeletionPolicy).toBe('Retain');
    expect(promptsBucket?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(promptsBucket?.Properties.LoggingConfiguration.DestinationBucketName.Ref).not.toBe(promptsBucketId);
  });
});

describe('cursor key', () => {
  const keyId = (): string => stack.getLogicalId(stack.data.cursorKey.node.defaultChild as CfnBucket);

  it('generates one secret that signs list cursors', () => {
    const secrets = resources('AWS::SecretsManager::Secret').filter(([id]) => id === keyId());

    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.[1].Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
  });

  it('lets exactly the functions that page lists (the cursors rows and the batch enqueue) read it, named in env', () => {
    const readers = coachingFunctions().filter((fn) => actionsOn(statementsOf(fn), keyId()).length > 0);
    const pagingRows = ROUTE_ENTRIES.filter(([, row]) => row.grants.cursors).map(([name]) => name);

    expect(pagingRows).toEqual(
      expect.arrayContaining(['listInsights', 'listConversations', 'getConversation', 'listRegisteredTenants']),
    );
    expect(readers.map((fn) => fn.node.path).sort()).toEqual(
      [...pagingRows.map((name) => stack.api.functions[name]), stack.batch.enqueue].map((fn) => fn.node.path).sort(),
    );
    for (const fn of readers) {
      expect(actionsOn(statementsOf(fn), keyId())).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
      expect(environmentOf(fn).CURSOR_KEY_SECRET_ID).toEqual({ Ref: keyId() });
    }
  });
});

describe('prompts', () => {
  it('invokes the validator for every .json object created in the prompts bucket', () => {
    const promptsBucketId = logicalId(stack.data.promptsBucket);
    const notifications = resources('Custom::S3BucketNotifications');
    const [, notification] = notifications[0] ?? [];
    const configuration = notification?.Properties.NotificationConfiguration as NotificationConfiguration;

    expect(notifications).toHaveLength(1);
    expect(notification?.Properties.BucketName).toEqual({ Ref: promptsBucketId });
    expect(configuration.LambdaFunctionConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.json' }] } },
        LambdaFunctionArn: { 'Fn::GetAtt': [logicalId(stack.prompts.validator), 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [logicalId(stack.prompts.validator), 'Arn'] },
      Principal: 's3.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [promptsBucketId, 'Arn'] },
    });
  });

  it("sends the validator's S3 events that still fail after two retries to its failed-events queue, alarmed", () => {
    const queueId = logicalId(stack.prompts.failedEvents);
    const alarmed = resources('AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      refersTo(alarm.Properties.Dimensions, queueId),
    );

    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.prompts.validator) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(alarmed.map(([, alarm]) => alarm.Properties)).toEqual([
      expect.objectContaining({
        AlarmName: 'CoachingTest-PromptValidatorFailedEvents',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
      }),
    ]);
  });

  it('grants the validator bucket read, index read-write, sending to its failed-events queue and nothing else', () => {
    const statements = statementsOf(stack.prompts.validator);
    const actions = actionsOf(statements);
    const indexId = logicalId(stack.data.table('promptIndex'));
    const tableStatements = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
    );

    const sqsResources = statements
      .filter((statement) => actionsOf([statement]).some((action) => action.startsWith('sqs:')))
      .flatMap((statement) => asArray(statement.Resource))
      .map(flatten);

    expect(actions.filter((action) => action.startsWith('s3:')).sort()).toEqual([...BUCKET_ACTIONS.read]);
    expect(actions.filter((action) => !/^(s3|dynamodb|logs|xray|sqs):/.test(action))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('sqs:')).sort()).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(sqsResources).toEqual([`<${logicalId(stack.prompts.failedEvents)}.Arn>`]);
    expect(actionsOn(statements, indexId)).toEqual(expect.arrayContaining([...DYNAMODB_WRITES, 'dynamodb:GetItem']));
    expect(tableStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten)).toEqual([
      `<${indexId}.Arn>`,
    ]);
    expect(Object.keys(environmentOf(stack.prompts.validator)).filter((name) => name.endsWith('_TABLE'))).toEqual([
      'PROMPT_INDEX_TABLE',
    ]);
    expect(environmentOf(stack.prompts.validator)).not.toHaveProperty('BEDROCK_MODEL_ID');
  });

  it('validates templates against the configured models in every function that reads prompts', () => {
    const readers = [
      stack.prompts.validator,
      stack.batch.worker,
      stack.nudges.ingest,
      stack.nudges.evaluate,
      ...ROUTE_ENTRIES.filter(([, row]) => row.grants.promptsBucket).map(([name]) => stack.api.functions[name]),
    ];

    for (const fn of readers) {
      expect({ fn: fn.node.path, models: environmentOf(fn).BEDROCK_ALLOWED_MODELS }).toEqual({
        fn: fn.node.path,
        models: MODEL_IDS.join(','),
      });
    }
  });

  it('seeds the prompts folder into the bucket without pruning, after the bucket notification exists', () => {
    const promptsBucketId = logicalId(stack.data.promptsBucket);
    const [notificationId] = resources('Custom::S3BucketNotifications')[0] ?? [];
    const [, deployment] =
      resources('Custom::CDKBucketDeployment').find(([, candidate]) =>
        refersTo(candidate.Properties.DestinationBucketName, promptsBucketId),
      ) ?? [];

    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
    expect(deployment?.Properties).toMatchObject({ DestinationBucketName: { Ref: promptsBucketId }, Prune: false });
    expect((deployment as { DependsOn?: string[] } | undefined)?.DependsOn).toContain(notificationId);
  });
});

describe('permissions', () => {
  it('scopes the Bedrock statement to exactly the configured models, never "*"', () => {
    // The model-calling statements; the knowledge base's embedding model and Retrieve grants are asserted below.
    const bedrockStatements = allStatements().filter((statement) =>
      actionsOf([statement]).includes('bedrock:InvokeModelWithResponseStream'),
    );
    const bedrockResources = bedrockStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten);
    const named = new Set(bedrockResources.map((arn) => arn.replace(/^.*:(inference-profile|foundation-model)\//, '')));

    expect(bedrockStatements.length).toBeGreaterThan(0);
    expect(bedrockResources).not.toContain('*');
    expect(actionsOf(bedrockStatements).sort()).toEqual(
      expect.arrayContaining(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']),
    );
    expect([...named].sort()).toEqual([...MODEL_IDS, ...MODEL_IDS.map((id) => id.replace(/^(us|eu)\./, ''))].sort());
  });

  it('grants "*" resources only for X-Ray, which has no resource-level permissions', () => {
    const starStatements = allStatements().filter(
      (statement) => statement.Effect === 'Allow' && asArray(statement.Resource).includes('*'),
    );

    expect(starStatements.length).toBeGreaterThan(0);
    for (const action of actionsOf(starStatements)) expect(action).toMatch(/^xray:/);
  });

  it('gives the insight categories function no DynamoDB access and no table names', () => {
    const actions = actionsOf(statementsOfRoute('insightCategories'));

    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(Object.keys(environmentOfRoute('insightCategories'))).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/_TABLE$/)]),
    );
  });

  it('grants every route exactly the prompts bucket access of its row', () => {
    for (const [name, row] of ROUTE_ENTRIES) {
      const s3Actions = [...new Set(actionsOf(statementsOfRoute(name)).filter((action) => action.startsWith('s3:')))];
      const expected = row.grants.promptsBucket ? BUCKET_ACTIONS[row.grants.promptsBucket] : [];

      expect({ name, s3Actions: s3Actions.sort() }).toEqual({ name, s3Actions: [...expected] });
    }
  });

  it('grants every route Bedrock exactly when its row says so', () => {
    for (const [name, row] of ROUTE_ENTRIES) {
      const bedrock = [
        ...new Set(actionsOf(statementsOfRoute(name)).filter((action) => action.startsWith('bedrock:'))),
      ];

      expect({ name, bedrock: bedrock.sort() }).toEqual({
        name,
        bedrock: [
          ...(row.grants.bedrock ? ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] : []),
          ...(row.grants.knowledgeBase ? ['bedrock:Retrieve'] : []),
        ].sort(),
      });
    }
  });

  it('grants every route exactly the table access of its row', () => {
    for (const [name, row] of ROUTE_ENTRIES) {
      const statements = statementsOfRoute(name);
      for (const table of TABLE_NAMES) {
        const access = tableGrantsOf(row.grants)[table];
        const actions = actionsOn(statements, logicalId(stack.data.table(table)));

        expect({ name, table, reads: actions.includes('dynamodb:Query') }).toEqual({
          name,
          table,
          reads: access !== undefined,
        });
        expect({ name, table, writes: actions.filter((action) => DYNAMODB_WRITES.includes(action)) }).toEqual({
          name,
          table,
          writes: access === 'readWrite' ? [...DYNAMODB_WRITES].sort() : [],
        });
      }
    }
  });

  it('lets the publish function put objects into the prompts bucket', () => {
    const bucketArn = `<${logicalId(stack.data.promptsBucket)}.Arn>`;
    const putStatements = statementsOfRoute('publishPromptVersion').filter((statement) =>
      actionsOf([statement]).includes('s3:PutObject'),
    );

    expect(putStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten)).toEqual([`${bucketArn}/*`]);
  });

  it('gives a prompt reader (startConversation) reads with object versions, no bucket writes, index reads only', () => {
    const statements = statementsOfRoute('startConversation');
    const indexActions = actionsOn(statements, logicalId(stack.data.table('promptIndex')));

    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['s3:GetObject', 's3:GetObjectVersion']));
    expect(actionsOf(statements)).not.toContain('s3:PutObject');
    expect(indexActions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(indexActions.filter((action) => DYNAMODB_WRITES.includes(action))).toEqual([]);
  });

  it('lets no function of the service delete objects', () => {
    const functions = coachingFunctions();

    expect(functions.length).toBe(ROUTE_ROWS.length + 5 + WORKER_ENTRIES.length);
    for (const fn of functions) {
      const deletes = actionsOf(statementsOf(fn)).filter((action) => /^s3:(\*|Delete)/.test(action));
      expect({ fn: fn.node.path, deletes }).toEqual({ fn: fn.node.path, deletes: [] });
    }
  });

  it("gives exactly the serviceToken rows (a preview of another tenant) read on the business APIs' secret", () => {
    const secretArn = `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${BATCH_SECRET_NAME}-??????`;
    const granted = ROUTE_ENTRIES.map(([name]) => {
      const secretStatements = statementsOfRoute(name).filter(
        (statement) =>
          actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')) &&
          asArray(statement.Resource).some((resource) => flatten(resource).includes(BATCH_SECRET_NAME)),
      );
      return {
        name,
        actions: actionsOf(secretStatements).sort(),
        resources: secretStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten),
        secretId: environmentOfRoute(name).BUSINESS_API_CLIENT_SECRET_ID,
      };
    }).filter((route) => route.actions.length > 0 || route.secretId !== undefined);

    expect(granted).toEqual([
      {
        name: 'previewPromptVersion',
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        resources: [secretArn],
        secretId: BATCH_SECRET_NAME,
      },
    ]);
    expect(ROUTE_ENTRIES.filter(([, row]) => row.grants.serviceToken).map(([name]) => name)).toEqual([
      'previewPromptVersion',
    ]);
  });

  it('gives the dismiss function the insights table but no Bedrock access', () => {
    const actions = actionsOf(statementsOfRoute('dismissInsight'));

    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions.filter((action) => action.startsWith('bedrock:'))).toEqual([]);
    expect(environmentOfRoute('dismissInsight')).toHaveProperty('INSIGHTS_TABLE');
    expect(environmentOfRoute('dismissInsight')).not.toHaveProperty('USAGE_TABLE');
  });
});

describe('batch', () => {
  const QUOTA = BATCH_DEFAULTS.bedrockQuota;
  const queueIds = (): { run: string; dead: string; schedule: string } => ({
    run: logicalId(stack.batch.queue),
    dead: logicalId(stack.batch.deadLetterQueue),
    schedule: logicalId(stack.batch.scheduleDeadLetterQueue),
  });
  const queue = (id: string): CfnResource | undefined =>
    resources('AWS::SQS::Queue').find(([queueId]) => queueId === id)?.[1];
  const roleId = (role: { node: { defaultChild?: unknown } }): string =>
    stack.getLogicalId(role.node.defaultChild as CfnRole);

  it('starts the run on the configured cron and time zone, through a role that may only invoke the enqueue function', () => {
    const schedules = resources('AWS::Scheduler::Schedule').filter(
      ([id]) => id === stack.getLogicalId(stack.batch.schedule),
    );
    const schedulerRoleId = roleId(stack.batch.schedulerRole);
    const [, role] = resources('AWS::IAM::Role').find(([id]) => id === schedulerRoleId) ?? [];
    const statements = resources('AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((ref: { Ref?: string }) => ref.Ref === schedulerRoleId))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);

    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.[1].Properties).toMatchObject({
      ScheduleExpression: BATCH_SCHEDULE,
      ScheduleExpressionTimezone: BATCH_TIME_ZONE,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(stack.batch.enqueue), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [schedulerRoleId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueIds().schedule, 'Arn'] } },
      },
    });
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: expect.objectContaining({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
      }),
    ]);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(
      statements.map((statement) => ({
        action: statement.Action,
        resources: asArray(statement.Resource).map(flatten),
      })),
    ).toEqual([
      { action: 'lambda:InvokeFunction', resources: [`<${logicalId(stack.batch.enqueue)}.Arn>`] },
      { action: 'sqs:SendMessage', resources: [`<${queueIds().schedule}.Arn>`] },
    ]);
  });

  it('redrives run messages to the dead-letter queue after BATCH_MAX_RECEIVE_COUNT deliveries', () => {
    const { run, dead } = queueIds();

    expect(BATCH_MAX_RECEIVE_COUNT).toBe(3);
    expect(queue(run)?.Properties).toMatchObject({
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dead, 'Arn'] }, maxReceiveCount: 3 },
      MessageRetentionPeriod: 4 * 24 * 3600,
    });
    expect(queue(dead)?.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(queue(dead)?.Properties.RedrivePolicy).toBeUndefined();
  });

  it('encrypts every queue with SQS-managed keys and denies requests without TLS', () => {
    const queues = resources('AWS::SQS::Queue');
    const policies = resources('AWS::SQS::QueuePolicy');

    const workerQueueIds = Object.values(stack.workers.byKey).flatMap((worker) => [
      logicalId(worker.queue),
      logicalId(worker.deadLetterQueue),
    ]);

    expect(queues.map(([id]) => id).sort()).toEqual(
      [
        ...Object.values(queueIds()),
        ...workerQueueIds,
        logicalId(stack.prompts.failedEvents),
        logicalId(stack.nudges.ingestFailedEvents),
        logicalId(stack.nudges.scheduleDeadLetterQueue),
      ].sort(),
    );
    for (const [queueId, { Properties: properties }] of queues) {
      expect({ queueId, sse: properties.SqsManagedSseEnabled }).toEqual({ queueId, sse: true });
      const [, policy] = policies.find(([, candidate]) => refersTo(candidate.Properties.Queues, queueId)) ?? [];
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('hides a received message for at least six times the worker timeout', () => {
    const [, worker] = resources('AWS::Lambda::Function').find(([id]) => id === logicalId(stack.batch.worker)) ?? [];

    expect(worker?.Properties.Timeout).toBe(300);
    expect(queue(queueIds().run)?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 300);
  });

  it('alarms on any message in either dead-letter queue, and outputs the run DLQ ARN for the redrive', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    const outputs = Object.values(templates.outputs());

    for (const queueId of [queueIds().dead, queueIds().schedule]) {
      const alarmed = alarms.filter(([, alarm]) => refersTo(alarm.Properties.Dimensions, queueId));
      expect(alarmed.map(([, alarm]) => alarm.Properties)).toEqual([
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      ]);
    }
    expect(outputs.map((output) => output.Value)).toContainEqual({ 'Fn::GetAtt': [queueIds().dead, 'Arn'] });
  });

  it('feeds the worker one message at a time, with partial batch failures and the quota-derived concurrency', () => {
    const mappings = resources('AWS::Lambda::EventSourceMapping');
    const [, worker] = resources('AWS::Lambda::Function').find(([id]) => id === logicalId(stack.batch.worker)) ?? [];

    expect(stack.batch.maxConcurrency).toBe(11);
    const batchMappings = mappings.filter(([, mapping]) =>
      refersTo(mapping.Properties.FunctionName, logicalId(stack.batch.worker)),
    );

    expect(batchMappings.map(([, mapping]) => mapping.Properties)).toEqual([
      {
        FunctionName: { Ref: logicalId(stack.batch.worker) },
        EventSourceArn: { 'Fn::GetAtt': [queueIds().run, 'Arn'] },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: maxConcurrencyFor(QUOTA) },
      },
    ]);
    expect(worker?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it("grants the worker the insights generation's tables, the batch table and nothing of the conversations", () => {
    const statements = statementsOf(stack.batch.worker);
    const access = Object.fromEntries(
      TABLE_NAMES.map((name) => {
        const actions = actionsOn(statements, logicalId(stack.data.table(name)));
        const writes = actions.some((action) => DYNAMODB_WRITES.includes(action));
        return [name, actions.length === 0 ? 'none' : writes ? 'readWrite' : 'read'];
      }),
    );

    expect(access).toEqual({
      insights: 'readWrite',
      usage: 'readWrite',
      jobs: 'readWrite',
      batch: 'readWrite',
      promptIndex: 'read',
      metricHistory: 'readWrite',
      sourceHealth: 'readWrite',
      conversations: 'none',
      conversationRequests: 'none',
      nudges: 'none',
      analyses: 'none',
      tickets: 'none',
    });
    expect(JSON.stringify(statements)).not.toContain(logicalId(stack.data.table('conversations')));
    expect(environmentOf(stack.batch.worker)).not.toHaveProperty('CONVERSATIONS_TABLE');
  });

  it('grants the worker "*" only for X-Ray, and only its queue, prompts, models and secret besides the tables', () => {
    const statements = statementsOf(stack.batch.worker);
    const star = statements.filter((statement) => asArray(statement.Resource).includes('*'));
    const secretStatements = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
    );
    const sqsStatements = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('sqs:')),
    );

    expect(actionsOf(star).every((action) => action.startsWith('xray:'))).toBe(true);
    expect([...new Set(actionsOf(statements).map((action) => action.split(':')[0]))].sort()).toEqual([
      'bedrock',
      'dynamodb',
      'logs',
      's3',
      'secretsmanager',
      'sqs',
      'xray',
    ]);
    expect(actionsOf(secretStatements).sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(secretStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten)).toEqual([
      `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${BATCH_SECRET_NAME}-??????`,
    ]);
    expect(actionsOf(sqsStatements)).toContain('sqs:SendMessage');
    expect(actionsOf(sqsStatements)).toContain('sqs:DeleteMessage');
    expect(sqsStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten)).toEqual(
      sqsStatements.map(() => `<${queueIds().run}.Arn>`),
    );
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['bedrock:InvokeModel', 's3:GetObject']));
  });

  it('passes the worker its queue, secret, models and business APIs', () => {
    expect(environmentOf(stack.batch.worker)).toMatchObject({
      BATCH_QUEUE_URL: { Ref: queueIds().run },
      BATCH_TABLE: { Ref: logicalId(stack.data.table('batch')) },
      BUSINESS_API_CLIENT_SECRET_ID: BATCH_SECRET_NAME,
      LLM_PROVIDER: 'bedrock',
      SERVICE_VERSION: expect.any(String),
      BEDROCK_MODEL_ID: MODEL_IDS[0],
      ACCOUNT_API_URL: BUSINESS_APIS.accountApiUrl,
      TRACTION_API_URL: BUSINESS_APIS.tractionApiUrl,
    });
  });

  it('gives the enqueue function the batch table, the queues and the cursor key, and no models, prompts or secret', () => {
    const statements = statementsOf(stack.batch.enqueue);
    const tableIds = TABLE_NAMES.filter((name) => actionsOn(statements, logicalId(stack.data.table(name))).length > 0);
    const sqsResources = statements
      .filter((statement) => actionsOf([statement]).some((action) => action.startsWith('sqs:')))
      .flatMap((statement) => asArray(statement.Resource))
      .map(flatten);

    expect(tableIds).toEqual(['batch']);
    expect(actionsOn(statements, logicalId(stack.data.table('batch')))).toEqual(
      expect.arrayContaining(DYNAMODB_WRITES),
    );
    expect(actionsOf(statements).filter((action) => /^(bedrock|s3):/.test(action))).toEqual([]);
    // It pages the registry with signed cursors; the cursor key is the one secret it may read.
    expect(
      statements
        .filter((statement) => actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')))
        .map((statement) => flatten(statement.Resource)),
    ).toEqual([flatten({ Ref: stack.getLogicalId(stack.data.cursorKey.node.defaultChild as CfnBucket) })]);
    expect(new Set(sqsResources)).toEqual(new Set([`<${queueIds().run}.Arn>`, `<${queueIds().schedule}.Arn>`]));
    expect(environmentOf(stack.batch.enqueue)).toMatchObject({
      BATCH_QUEUE_URL: { Ref: queueIds().run },
      BATCH_TABLE: { Ref: logicalId(stack.data.table('batch')) },
    });
    expect(Object.keys(environmentOf(stack.batch.enqueue))).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(BEDROCK_|INSIGHTS_TABLE|BUSINESS_API_CLIENT_SECRET_ID)/)]),
    );
  });

  it('sends enqueue runs that fail after their retries to the schedule dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.batch.enqueue) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueIds().schedule, 'Arn'] } } },
    });
  });

  it('sizes the worker with the headroom the settings give', () => {
    const app = new App({ context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
    const other = new Stack(app, 'BatchWithHeadroom');
    const batch = new Batch(other, 'Batch', {
      data: new Data(other, 'Data', { protectTables: true }),
      businessApis: BUSINESS_APIS,
      bedrockModelIds: MODEL_IDS,
      settings: { ...BATCH_DEFAULTS, headroom: 0.97 },
    });

    // 0.97 × 400,000 / 27,000 = 14.37, where the default headroom (0.8) gives 11.
    expect(batch.maxConcurrency).toBe(14);
  });

  it('gives the worker no secret and no Secrets Manager access when no secret is configured', () => {
    // A small stack of its own (data and batch only): the shared template configures a secret.
    const app = new App({ context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
    const bare = new Stack(app, 'BatchWithoutSecret');
    const batch = new Batch(bare, 'Batch', {
      data: new Data(bare, 'Data', { protectTables: true }),
      businessApis: BUSINESS_APIS,
      bedrockModelIds: MODEL_IDS,
      settings: BATCH_DEFAULTS,
    });
    const workerId = bare.getLogicalId(batch.worker.node.defaultChild as CfnFunction);
    const bareTemplate = Template.fromStack(bare).toJSON() as { Resources: Record<string, CfnResource> };
    const worker = bareTemplate.Resources[workerId];

    const workerRole = bare.getLogicalId(batch.worker.role?.node.defaultChild as CfnRole);
    const workerPolicies = Object.values(bareTemplate.Resources).filter(
      (resource) =>
        resource.Type === 'AWS::IAM::Policy' &&
        resource.Properties.Roles.some((ref: { Ref?: string }) => ref.Ref === workerRole),
    );

    expect(worker?.Properties.Environment.Variables).not.toHaveProperty('BUSINESS_API_CLIENT_SECRET_ID');
    expect(workerPolicies.length).toBeGreaterThan(0);
    expect(JSON.stringify(workerPolicies)).not.toContain('secretsmanager:');
  });
});

describe('workers', () => {
  const deployed = () => Object.entries(stack.workers.byKey);
  const queueResource = (id: string): CfnResource | undefined =>
    resources('AWS::SQS::Queue').find(([queueId]) => queueId === id)?.[1];
  const sqsStatements = (statements: Statement[]): Statement[] =>
    statements.filter((statement) => actionsOf([statement]).some((action) => action.startsWith('sqs:')));

  it('deploys every declared worker', () => {
    expect(deployed().map(([key]) => key)).toEqual(WORKER_ENTRIES.map(([key]) => key));
    expect(WORKER_ENTRIES.map(([key]) => key)).toContain('insightJobs');
  });

  it('gives each worker a queue hiding messages for six times its timeout, redriving to a DLQ after 3 deliveries', () => {
    for (const [, worker] of deployed()) {
      const queue = queueResource(logicalId(worker.queue));
      const dead = queueResource(logicalId(worker.deadLetterQueue));

      expect(queue?.Properties).toMatchObject({
        VisibilityTimeout: 6 * worker.definition.timeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(worker.deadLetterQueue), 'Arn'] },
          maxReceiveCount: WORKER_MAX_RECEIVE_COUNT,
        },
      });
      expect(dead?.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
    }
  });

  it('feeds each worker one job at a time, with partial batch failures and its maximum concurrency', () => {
    for (const [, worker] of deployed()) {
      const mappings = resources('AWS::Lambda::EventSourceMapping').filter(([, mapping]) =>
        refersTo(mapping.Properties.FunctionName, logicalId(worker.fn)),
      );

      expect(mappings.map(([, mapping]) => mapping.Properties)).toEqual([
        {
          FunctionName: { Ref: logicalId(worker.fn) },
          EventSourceArn: { 'Fn::GetAtt': [logicalId(worker.queue), 'Arn'] },
          BatchSize: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: worker.definition.maxConcurrency },
        },
      ]);
    }
  });

  it("grants each worker exactly its tables, SQS on its own queue only, and the business APIs' secret", () => {
    for (const [, worker] of deployed()) {
      const statements = statementsOf(worker.fn);
      const access = Object.fromEntries(
        TABLE_NAMES.map((name) => {
          const actions = actionsOn(statements, logicalId(stack.data.table(name)));
          const writes = actions.some((action) => DYNAMODB_WRITES.includes(action));
          return [name, actions.length === 0 ? undefined : writes ? 'readWrite' : 'read'];
        }).filter(([, granted]) => granted !== undefined),
      );
      const sqsResources = sqsStatements(statements).flatMap((statement) => asArray(statement.Resource));

      expect(access).toEqual(tableGrantsOf(worker.definition.grants));
      expect(new Set(sqsResources.map(flatten))).toEqual(new Set([`<${logicalId(worker.queue)}.Arn>`]));
      expect(actionsOf(sqsStatements(statements))).toEqual(
        expect.arrayContaining(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
      );
      expect(environmentOf(worker.fn)).toMatchObject({
        [worker.definition.queueEnvVar]: { Ref: logicalId(worker.queue) },
        BUSINESS_API_CLIENT_SECRET_ID: BATCH_SECRET_NAME,
        LLM_PROVIDER: 'bedrock',
      });
    }
  });

  it('lets exactly the routes that queue jobs send to that queue, and passes them its URL', () => {
    for (const [name, row] of ROUTE_ENTRIES) {
      const sends = row.grants.queues ?? [];
      const statements = sqsStatements(statementsOfRoute(name));
      const expected = sends.map((key) => `<${logicalId(stack.workers.byKey[key]!.queue)}.Arn>`);

      expect({ name, queues: [...new Set(statements.flatMap((st) => asArray(st.Resource)).map(flatten))] }).toEqual({
        name,
        queues: expected,
      });
      expect({
        name,
        receives: actionsOf(statements).filter((action) => action !== 'sqs:SendMessage' && !/Get/.test(action)),
      }).toEqual({ name, receives: [] });
      for (const key of sends) {
        const worker = stack.workers.byKey[key]!;
        expect(environmentOfRoute(name)).toHaveProperty(worker.definition.queueEnvVar, {
          Ref: logicalId(worker.queue),
        });
      }
    }
    expect(routes.listInsights.grants.queues).toEqual(['insightJobs']);
  });

  it('gives no route Bedrock access: the model runs in the workers', () => {
    for (const name of ['listInsights', 'insightSummary', 'refreshInsights', 'getInsightJob'] as const) {
      expect({ name, bedrock: actionsOf(statementsOfRoute(name)).filter((a) => a.startsWith('bedrock:')) }).toEqual({
        name,
        bedrock: [],
      });
    }
  });

  it('alarms on any message in a worker DLQ and on jobs waiting over a minute, and outputs the DLQ ARN', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    const outputs = Object.values(templates.outputs());

    for (const [, worker] of deployed()) {
      const onQueue = (id: string) =>
        alarms.filter(([, alarm]) => refersTo(alarm.Properties.Dimensions, id)).map(([, alarm]) => alarm.Properties);

      expect(onQueue(logicalId(worker.deadLetterQueue))).toEqual([
        expect.objectContaining({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 }),
      ]);
      expect(onQueue(logicalId(worker.queue))).toEqual([
        expect.objectContaining({
          MetricName: 'ApproximateAgeOfOldestMessage',
          Threshold: 60,
          EvaluationPeriods: 2,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ]);
      expect(outputs.map((output) => output.Value)).toContainEqual({
        'Fn::GetAtt': [logicalId(worker.deadLetterQueue), 'Arn'],
      });
    }
  });
});

describe('monitoring', () => {
  const topicId = (): string => logicalId(stack.monitoring.topic);
  const alarms = (): [string, CfnResource][] => resources('AWS::CloudWatch::Alarm');
  const alarmNamed = (name: string): CfnResource | undefined =>
    alarms().find(([, alarm]) => alarm.Properties.AlarmName === `${stack.stackName}-${name}`)?.[1];
  /** The metric names an alarm reads, in any namespace (MetricStat or a Metrics Insights query). */
  const metricNamesOf = (alarm: CfnResource | undefined): string[] => [
    ...(alarm?.Properties.MetricName ? [alarm.Properties.MetricName as string] : []),
    ...((alarm?.Properties.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string } }; Expression?: string }[])
      .map((query) => query.MetricStat?.Metric.MetricName ?? /SELECT \w+\((\w+)\)/.exec(query.Expression ?? '')?.[1])
      .filter((name): name is string => name !== undefined),
  ];
  const dashboardBody = (): string => {
    const [, dashboard] = resources('AWS::CloudWatch::Dashboard')[0] ?? [];
    return flatten(dashboard?.Properties.DashboardBody);
  };

  it('makes the alarm topic the alarm and OK action of every alarm in the template', () => {
    expect(alarms().length).toBeGreaterThan(40);
    for (const [id, alarm] of alarms()) {
      expect({ id, alarm: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({
        id,
        alarm: [{ Ref: topicId() }],
        ok: [{ Ref: topicId() }],
      });
    }
  });

  it('names every alarm <stack>-<id>, each name once', () => {
    const names = alarms().map(([, alarm]) => alarm.Properties.AlarmName as string);

    expect(names.every((name) => name.startsWith(`${stack.stackName}-`))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('encrypts the topic with a rotated customer managed key, lets CloudWatch publish, and refuses plain HTTP', () => {
    const [, topic] = resources('AWS::SNS::Topic')[0] ?? [];
    const keyId = topic?.Properties.KmsMasterKeyId['Fn::GetAtt']?.[0] as string;
    const [, key] = resources('AWS::KMS::Key').find(([id]) => id === keyId) ?? [];
    const [, topicPolicy] = resources('AWS::SNS::TopicPolicy')[0] ?? [];

    expect(resources('AWS::SNS::Topic')).toHaveLength(1);
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(key?.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
    expect(topicPolicy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(topicPolicy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });

  it('subscribes exactly the configured alarm emails to the topic', () => {
    const subscriptions = resources('AWS::SNS::Subscription').map(([, subscription]) => subscription.Properties);

    expect(subscriptions).toEqual(
      ALARM_EMAILS.map((email) => ({ Protocol: 'email', Endpoint: email, TopicArn: { Ref: topicId() } })),
    );
  });

  it('alarms on Lambda errors, throttles and durations near the timeout of every function, per capability group', () => {
    for (const fn of coachingFunctions()) {
      const id = logicalId(fn);
      const watching = alarms().filter(([, alarm]) => refersTo(alarm.Properties.Metrics, id));
      const byMetric = Object.fromEntries(
        watching.map(([, alarm]) => [metricNamesOf(alarm)[0], alarm.Properties] as const),
      );

      expect({ fn: fn.node.path, metrics: Object.keys(byMetric).sort() }).toEqual({
        fn: fn.node.path,
        metrics: ['Duration', 'Errors', 'Throttles'],
      });
      expect(byMetric.Duration?.Threshold).toBe(0.9 * fn.timeout!.toMilliseconds());
    }
  });

  it("alarms on the API's 5xx rate and p99 latency", () => {
    expect(metricNamesOf(alarmNamed('Api5xxRate')).sort()).toEqual(['5xx', 'Count']);
    expect(alarmNamed('ApiLatencyP99')?.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 10_000,
    });
  });

  it('alarms on throttles and system errors of every table', () => {
    for (const name of TABLE_NAMES) {
      const id = logicalId(stack.data.table(name));
      const onTable = alarms().filter(([, alarm]) => refersTo(alarm.Properties.Metrics, id));

      expect({ name, metrics: [...new Set(onTable.flatMap(([, alarm]) => metricNamesOf(alarm)))].sort() }).toEqual({
        name,
        metrics: ['ReadThrottleEvents', 'SystemErrors', 'WriteThrottleEvents'],
      });
    }
  });

  it.each([
    ['ModelThrottles', 'ModelThrottles'],
    ['ModelFallbacks', 'ModelFallbacks'],
    ['NoCapableModel', 'NoCapableModel'],
    ['InsightJobsFailed', 'InsightJobOutcome_failed'],
    ['TenantBudgetRejections', 'BudgetRejections'],
    ['InsightJobsBacklog', 'ApproximateAgeOfOldestMessage'],
    ['InsightJobsDeadLetters', 'ApproximateNumberOfMessagesVisible'],
    ['BatchDeadLetters', 'ApproximateNumberOfMessagesVisible'],
    ['PromptValidatorErrors', 'Errors'],
  ])('has the %s alarm, on %s', (name, metricName) => {
    expect(metricNamesOf(alarmNamed(name))).toContain(metricName);
  });

  it('reads only EMF metrics the functions emit, in the namespace and with the dimensions they emit them with', () => {
    const sources = functionSources();
    const body = dashboardBody();
    const emfAlarms = alarms().filter(([, alarm]) => JSON.stringify(alarm).includes(METRICS_NAMESPACE));
    const names = new Set([
      ...emfAlarms.flatMap(([, alarm]) => metricNamesOf(alarm)),
      ...[...body.matchAll(/SELECT SUM\((\w+)\) FROM SCHEMA\(\\"CoachingService\\", requestType, service\)/g)].map(
        (match) => match[1]!,
      ),
      ...[...body.matchAll(/\["CoachingService","(\w+)","service","coaching-service"/g)].map((match) => match[1]!),
    ]);

    expect([...names]).toEqual(
      expect.arrayContaining(['ModelCalls_ok', 'CostMicroUsd', 'CacheHit', 'InsightJobOutcome_done']),
    );
    for (const name of names) expect({ name, emitted: isEmitted(name, sources) }).toEqual({ name, emitted: true });
  });

  it('has a dashboard with requests, errors and latency for every capability, every function on it', () => {
    const body = dashboardBody();
    const capabilities = [...new Set(coachingFunctions().map((fn) => fn.capability))];

    expect(capabilities.sort()).toEqual([
      'analyses',
      'assistant',
      'batch',
      'conversations',
      'insights',
      'metrics',
      'nudges',
      'platform',
      'prompt-admin',
      'support',
      'usage',
    ]);
    for (const capability of capabilities) {
      for (const widget of ['requests', 'errors and throttles', 'latency p50 (ms)', 'latency p99 (ms)']) {
        expect(body).toContain(`"title":"${capability}: ${widget}"`);
      }
    }
    for (const fn of coachingFunctions()) expect(body).toContain(`<${logicalId(fn)}>`);
    for (const title of ['insights: cache hit rate (%)', 'insights: jobs by outcome', 'batch: progress (tenants)']) {
      expect(body).toContain(`"title":"${title}"`);
    }
    for (const outcome of ['ok', 'repaired', 'fallback', 'failed']) expect(body).toContain(`"model calls: ${outcome}"`);
    expect(body).toContain('"title":"model cost per day');
    expect(body).toContain('"title":"model input tokens per day"');
  });

  it('names every alarm of the template in docs/runbook.md', () => {
    const runbook = readFileSync(join(REPO_ROOT, 'docs/runbook.md'), 'utf8');
    const missing = alarms()
      .map(([, alarm]) => (alarm.Properties.AlarmName as string).slice(`${stack.stackName}-`.length))
      .filter((name) => !new RegExp(`\\b${name}\\b`).test(runbook));

    expect(missing).toEqual([]);
  });
});

describe('knowledge base', () => {
  /** The logical id of a CloudFormation resource construct (a Cfn* itself, not an L2 around one). */
  const idOf = (resource: unknown): string => Stack.of(resource as IConstruct).getLogicalId(resource as CfnElement);
  const resourceOf = (resource: unknown): CfnResource => {
    const id = idOf(resource);
    const [, found] = templates.resources().find(([candidate]) => candidate === id) ?? [];
    if (!found) throw new Error(`no resource ${id}`);
    return found;
  };
  const kbId = (): string => idOf(stack.knowledge.knowledgeBase);

  it('fills a versioned, logged articles bucket from knowledge/ at deploy, pruning articles that are gone', () => {
    const bucketId = logicalId(stack.knowledge.articlesBucket);
    const bucket = resources('AWS::S3::Bucket').find(([id]) => id === bucketId)?.[1];
    const [, deployment] =
      resources('Custom::CDKBucketDeployment').find(([, candidate]) =>
        refersTo(candidate.Properties.DestinationBucketName, bucketId),
      ) ?? [];

    expect(bucket?.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalId(stack.data.accessLogsBucket) },
        LogFilePrefix: 'knowledge-bucket/',
      },
    });
    expect(deployment?.Properties).toMatchObject({
      Prune: true,
      SourceObjectKeys: [stack.knowledge.articlesAsset.s3ObjectKey],
    });
  });

  it('stages each article of knowledge/ as its body without front matter and its metadata sidecar', () => {
    const articles = readArticles();
    // The asset as staged into the cloud assembly, which is what deploys.
    const staged = join((stack.node.root as App).outdir, stack.knowledge.articlesAsset.assetPath);
    const files = readdirSync(staged).sort();
    const vision = articles.find((article) => article.id === 'vision') as Article;

    expect(files).toHaveLength(articles.length * 2);
    expect(files).toEqual(expect.arrayContaining(['vision.md', 'vision.md.metadata.json']));
    const body = readFileSync(join(staged, 'vision.md'), 'utf8');
    expect(body).toBe(`${vision.body}\n`);
    expect(body).not.toMatch(/^---/);
    expect(JSON.parse(readFileSync(join(staged, 'vision.md.metadata.json'), 'utf8'))).toEqual({
      metadataAttributes: articleMetadataOf(vision),
    });
  });

  it('stores the vectors in an S3 Vectors index of the embedding dimension, chunk text and Bedrock metadata non-filterable', () => {
    const index = resourceOf(stack.knowledge.vectorIndex);
    const knowledgeBase = resourceOf(stack.knowledge.knowledgeBase);

    expect(index.Properties).toEqual({
      VectorBucketArn: { 'Fn::GetAtt': [idOf(stack.knowledge.vectorBucket), 'VectorBucketArn'] },
      DataType: 'float32',
      Dimension: 1024,
      DistanceMetric: 'cosine',
      MetadataConfiguration: { NonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'] },
    });
    expect(resourceOf(stack.knowledge.vectorBucket).Properties).toEqual({
      EncryptionConfiguration: { SseType: 'AES256' },
    });
    expect(knowledgeBase.Properties.StorageConfiguration).toEqual({
      Type: 'S3_VECTORS',
      S3VectorsConfiguration: { IndexArn: { 'Fn::GetAtt': [idOf(stack.knowledge.vectorIndex), 'IndexArn'] } },
    });
    const vector = knowledgeBase.Properties.KnowledgeBaseConfiguration;
    expect(vector.Type).toBe('VECTOR');
    expect(flatten(vector.VectorKnowledgeBaseConfiguration.EmbeddingModelArn)).toBe(
      `arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/${EMBEDDING_MODEL_ID}`,
    );
    expect(vector.VectorKnowledgeBaseConfiguration.EmbeddingModelConfiguration).toEqual({
      BedrockEmbeddingModelConfiguration: { Dimensions: index.Properties.Dimension, EmbeddingDataType: 'FLOAT32' },
    });
    expect(knowledgeBase.Properties.RoleArn).toEqual({
      'Fn::GetAtt': [idOf(stack.knowledge.serviceRole.node.defaultChild), 'Arn'],
    });
  });

  it('reads the articles bucket as its data source, in chunks of 300 tokens', () => {
    expect(resourceOf(stack.knowledge.dataSource).Properties).toEqual({
      KnowledgeBaseId: { 'Fn::GetAtt': [kbId(), 'KnowledgeBaseId'] },
      Name: 'help-articles',
      Description: expect.any(String),
      DataDeletionPolicy: 'DELETE',
      DataSourceConfiguration: {
        Type: 'S3',
        S3Configuration: { BucketArn: { 'Fn::GetAtt': [logicalId(stack.knowledge.articlesBucket), 'Arn'] } },
      },
      VectorIngestionConfiguration: {
        ChunkingConfiguration: {
          ChunkingStrategy: 'FIXED_SIZE',
          FixedSizeChunkingConfiguration: { MaxTokens: 300, OverlapPercentage: 20 },
        },
      },
    });
  });

  it("lets Bedrock assume its role for this account's knowledge bases only, to read the articles, embed and store vectors", () => {
    const role = resourceOf(stack.knowledge.serviceRole.node.defaultChild);
    const roleId = idOf(stack.knowledge.serviceRole.node.defaultChild);
    const statements = resources('AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((ref: { Ref?: string }) => ref.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack.knowledge.articlesBucket), 'Arn'] };

    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'bedrock.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': expect.anything() },
        },
      },
    ]);
    expect(flatten(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:knowledge-base/*',
    );
    expect(statements.map((statement) => ({ ...statement, Resource: flatten(statement.Resource) }))).toEqual([
      { Sid: 'ListArticles', Effect: 'Allow', Action: 's3:ListBucket', Resource: flatten(bucketArn) },
      { Sid: 'ReadArticles', Effect: 'Allow', Action: 's3:GetObject', Resource: `${flatten(bucketArn)}/*` },
      {
        Sid: 'EmbedArticles',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: `arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/${EMBEDDING_MODEL_ID}`,
      },
      {
        Sid: 'StoreAndQueryVectors',
        Effect: 'Allow',
        Action: [
          's3vectors:DeleteVectors',
          's3vectors:GetIndex',
          's3vectors:GetVectors',
          's3vectors:PutVectors',
          's3vectors:QueryVectors',
        ],
        Resource: `<${idOf(stack.knowledge.vectorIndex)}.IndexArn>`,
      },
    ]);
  });

  it('starts an ingestion job after the articles are deployed, keyed by their asset hash, allowed nothing else', () => {
    const ingestion = resourceOf(stack.knowledge.ingestion.node.findChild('Resource').node.defaultChild);
    const ingestionId = idOf(stack.knowledge.ingestion.node.findChild('Resource').node.defaultChild);
    const deploymentIds = resources('Custom::CDKBucketDeployment')
      .filter(([, candidate]) =>
        refersTo(candidate.Properties.DestinationBucketName, logicalId(stack.knowledge.articlesBucket)),
      )
      .map(([id]) => id);
    const policy = resources('AWS::IAM::Policy').find(([id]) =>
      id.startsWith('KnowledgeIngestionCustomResourcePolicy'),
    );
    const calls = ['Create', 'Update'].map((key) => JSON.parse(flatten(ingestion.Properties[key])));

    for (const call of calls) {
      expect(call).toEqual({
        service: '@aws-sdk/client-bedrock-agent',
        action: 'StartIngestionJob',
        parameters: {
          knowledgeBaseId: `<${kbId()}.KnowledgeBaseId>`,
          dataSourceId: `<${idOf(stack.knowledge.dataSource)}.DataSourceId>`,
          description: `Deploy of the knowledge/ articles ${stack.knowledge.articlesAsset.assetHash}`,
        },
        physicalResourceId: { responsePath: 'ingestionJob.ingestionJobId' },
      });
    }
    expect(ingestion.Properties.Delete).toBeUndefined();
    expect(deploymentIds).toHaveLength(1);
    expect(ingestion.DependsOn).toEqual(expect.arrayContaining([...deploymentIds, idOf(stack.knowledge.dataSource)]));
    expect(policy?.[1].Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'bedrock:StartIngestionJob',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [kbId(), 'KnowledgeBaseArn'] },
      },
    ]);
    expect(templates.ownerOf(ingestionId).stack).toBe(stack);
  });

  it('starts a new ingestion job when an article changes, and none when the articles are the same', () => {
    const ingestionKeyOf = (articles: readonly Article[]): string => {
      const app = new App({ context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
      const each = new Stack(app, 'KnowledgeOnly');
      return new Knowledge(each, 'Knowledge', { data: new Data(each, 'Data', { protectTables: false }), articles })
        .articlesAsset.assetHash;
    };
    const articles = readArticles();
    const [first, ...rest] = articles as [Article, ...Article[]];

    expect(ingestionKeyOf(articles)).toBe(stack.knowledge.articlesAsset.assetHash);
    expect(ingestionKeyOf([{ ...first, body: `${first.body}\n\nOne more line.` }, ...rest])).not.toBe(
      stack.knowledge.articlesAsset.assetHash,
    );
    expect(ingestionKeyOf([{ ...first, tags: [...first.tags, 'new-tag'] }, ...rest])).not.toBe(
      stack.knowledge.articlesAsset.assetHash,
    );
  });

  it('gives exactly the knowledgeBase rows (the help search among them) its id and bedrock:Retrieve on exactly it', () => {
    const searchers = ROUTE_ENTRIES.filter(([, row]) => row.grants.knowledgeBase).map(([name]) => name);
    const searcherFunctions = new Set<CoachingFunction>(searchers.map((name) => stack.api.functions[name]));

    expect(searchers).toContain('searchKnowledgeBase');
    for (const name of searchers) {
      expect({ name, id: environmentOfRoute(name).KNOWLEDGE_BASE_ID }).toEqual({
        name,
        id: { 'Fn::GetAtt': [kbId(), 'KnowledgeBaseId'] },
      });
      expect(statementsOfRoute(name)).toContainEqual({
        Sid: 'RetrieveFromKnowledgeBase',
        Effect: 'Allow',
        Action: 'bedrock:Retrieve',
        Resource: { 'Fn::GetAtt': [kbId(), 'KnowledgeBaseArn'] },
      });
    }
    for (const fn of coachingFunctions().filter((each) => !searcherFunctions.has(each))) {
      expect({ fn: fn.node.path, id: environmentOf(fn).KNOWLEDGE_BASE_ID }).toEqual({
        fn: fn.node.path,
        id: undefined,
      });
    }
    const retrievers = allStatements().filter((statement) => actionsOf([statement]).includes('bedrock:Retrieve'));
    expect(retrievers).toHaveLength(searchers.length);
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions findings', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('nudges', () => {
  it('keeps activities and nudges in one table with TTL on expiresAt', () => {
    const [, table] =
      resources('AWS::DynamoDB::Table').find(([id]) => id === logicalId(stack.data.table('nudges'))) ?? [];

    expect(table?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('routes ActivityLogged events to the ingest function, with a failed-events queue', () => {
    const [, rule] = resources('AWS::Events::Rule').find(([id]) => id === logicalId(stack.nudges.activityRule)) ?? [];

    expect(rule?.Properties.EventPattern).toEqual({ 'detail-type': ['ActivityLogged'] });
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [logicalId(stack.nudges.ingest), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.nudges.ingestFailedEvents), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
      }),
    ]);
  });

  it('runs the evaluation hourly through a role that may only invoke it', () => {
    const [, schedule] =
      resources('AWS::Scheduler::Schedule').find(([id]) => id === stack.getLogicalId(stack.nudges.schedule)) ?? [];

    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      Target: { Arn: { 'Fn::GetAtt': [logicalId(stack.nudges.evaluate), 'Arn'] } },
    });
  });

  it('grants the ingest and evaluation functions the nudges, usage and prompt index tables, the prompts and the models', () => {
    const tableAccess = (fn: CoachingFunction) =>
      TABLE_NAMES.filter((name) => actionsOn(statementsOf(fn), logicalId(stack.data.table(name))).length > 0);

    for (const fn of [stack.nudges.ingest, stack.nudges.evaluate]) {
      const actions = actionsOf(statementsOf(fn));
      // The evaluation reads the business APIs, so it records their sources' health; the ingest does not read them.
      const sourceHealth = fn === stack.nudges.evaluate ? ['sourceHealth'] : [];
      expect({ fn: fn.node.path, tables: tableAccess(fn).sort() }).toEqual({
        fn: fn.node.path,
        tables: ['nudges', 'promptIndex', ...sourceHealth, 'usage'],
      });
      expect(
        actionsOn(statementsOf(fn), logicalId(stack.data.table('promptIndex'))).filter((action) =>
          DYNAMODB_WRITES.includes(action),
        ),
      ).toEqual([]);
      expect([...new Set(actions.filter((action) => action.startsWith('s3:')))].sort()).toEqual([
        ...BUCKET_ACTIONS.read,
      ]);
      expect(actions).toEqual(expect.arrayContaining(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']));
      expect(environmentOf(fn)).toMatchObject({
        LLM_PROVIDER: 'bedrock',
        BEDROCK_MODEL_ID: MODEL_IDS[0],
        BEDROCK_ALLOWED_MODELS: MODEL_IDS.join(','),
        PROMPTS_DIR: 'prompts',
        PROMPTS_BUCKET: { Ref: logicalId(stack.data.promptsBucket) },
      });
    }
    expect(environmentOf(stack.nudges.ingest).TRACTION_API_URL).toBeUndefined();
    expect(environmentOf(stack.nudges.evaluate).TRACTION_API_URL).toBe(BUSINESS_APIS.tractionApiUrl);
    expect(JSON.stringify(statementsOf(stack.nudges.ingest))).not.toContain('secretsmanager:');
  });

  it('gives the model, the prompts and the usage table to exactly the nudge routes that raise nudges', () => {
    const nudgeRoutes = ROUTE_ENTRIES.filter(([, row]) => row.tag === 'nudges');
    const modelAccess = (name: RouteName) => ({
      bedrock: actionsOf(statementsOfRoute(name)).some((action) => action.startsWith('bedrock:')),
      prompts: actionsOf(statementsOfRoute(name)).includes('s3:GetObject'),
      usage: actionsOn(statementsOfRoute(name), logicalId(stack.data.table('usage'))).length > 0,
    });
    const raising = ['recordActivity', 'checkActivity', 'listNudges', 'listCoachInsights'];

    expect(nudgeRoutes.length).toBeGreaterThan(raising.length);
    for (const [name] of nudgeRoutes) {
      const granted = raising.includes(name);
      expect({ name, ...modelAccess(name) }).toEqual({ name, bedrock: granted, prompts: granted, usage: granted });
    }
  });
});
