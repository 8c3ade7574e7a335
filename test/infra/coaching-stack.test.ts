import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routes, type RouteName } from '../../functions/routes';
import { tables } from '../../functions/shared/dynamo/tables';
import { CoachingStack } from '../../lib/coaching-stack';
import { context as featureFlags } from '../../cdk.json';

const MODEL_IDS = ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0'];
const JWT_ISSUER = 'https://issuer.test.example.com/';
const JWT_AUDIENCE = ['coaching-test'];
const ROUTE_ROWS = Object.values(routes);

interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
  readonly DeletionPolicy?: string;
}
interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

let stack: CoachingStack;
let template: Template;

beforeAll(() => {
  // The CLI's feature flags (cdk.json), without esbuild bundling; the template is built once for the whole file.
  const app = new App({ context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
  stack = new CoachingStack(app, 'CoachingTest', {
    jwtIssuer: JWT_ISSUER,
    jwtAudience: JWT_AUDIENCE,
    businessApis: { accountApiUrl: 'https://account.test.example.com', tractionApiUrl: 'https://traction.test.example.com' },
    bedrockModelIds: MODEL_IDS,
    corsOrigins: ['https://app.example.com'],
  });
  template = Template.fromStack(stack);
});

const resources = (type: string): [string, CfnResource][] =>
  Object.entries(template.findResources(type) as Record<string, CfnResource>);

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A CloudFormation string expression flattened to text (`Fn::Join` parts concatenated, references as `<Ref>`). */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const expression = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (expression['Fn::Join']) return expression['Fn::Join'][1].map(flatten).join(expression['Fn::Join'][0]);
  if (expression.Ref) return `<${expression.Ref}>`;
  return JSON.stringify(value);
};

const allStatements = (): Statement[] =>
  resources('AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);

/** Every statement granted to a route's function: its role has no managed or inline policies, only attached ones. */
const statementsOfRoute = (name: RouteName): Statement[] => {
  const role = stack.api.functions[name].role?.node.defaultChild as CfnRole;
  const roleId = stack.getLogicalId(role);
  const [, roleResource] = resources('AWS::IAM::Role').find(([id]) => id === roleId) ?? [];
  expect(roleResource).toBeDefined();
  expect(roleResource?.Properties.ManagedPolicyArns).toBeUndefined();
  expect(roleResource?.Properties.Policies).toBeUndefined();
  return resources('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((ref: { Ref?: string }) => ref.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
};

const actionsOf = (statements: Statement[]): string[] => statements.flatMap((statement) => asArray(statement.Action));

const environmentOfRoute = (name: RouteName): Record<string, unknown> => {
  const functionId = stack.getLogicalId(stack.api.functions[name].node.defaultChild as CfnFunction);
  const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id === functionId) ?? [];
  return fn?.Properties.Environment.Variables ?? {};
};

describe('functions', () => {
  it('creates one Node.js 22 arm64 function per route with the shared defaults', () => {
    const nodeFunctions = resources('AWS::Lambda::Function').filter(([, fn]) =>
      String(fn.Properties.Runtime).startsWith('nodejs'),
    );

    expect(nodeFunctions).toHaveLength(ROUTE_ROWS.length);
    for (const [, fn] of nodeFunctions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 29,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
  });

  it('gives each function its own log group with a retention', () => {
    const functions = resources('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Runtime === 'nodejs22.x');
    const logGroups = new Map(resources('AWS::Logs::LogGroup'));

    for (const [, fn] of functions) {
      const logGroupId = fn.Properties.LoggingConfig.LogGroup?.Ref as string;
      expect(logGroups.get(logGroupId)?.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe('api', () => {
  it('creates one route per route table row with its method and path', () => {
    const routeKeys = resources('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);

    expect(routeKeys.sort()).toEqual(ROUTE_ROWS.map((row) => `${row.method} ${row.path}`).sort());
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

    for (const row of ROUTE_ROWS) {
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

  it('allows CORS preflight only from the configured origins', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com'],
        AllowHeaders: Match.arrayWith(['authorization']),
      }),
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

describe('data', () => {
  it('creates every table on demand with TTL on expiresAt, PITR, SSE and retain', () => {
    const tableResources = resources('AWS::DynamoDB::Table');

    expect(tableResources).toHaveLength(Object.keys(tables).length);
    for (const [, table] of tableResources) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
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

  it('versions the prompts bucket and logs its access to the other bucket', () => {
    const promptsBucketId = stack.getLogicalId(stack.data.promptsBucket.node.defaultChild as CfnBucket);
    const [, promptsBucket] = resources('AWS::S3::Bucket').find(([id]) => id === promptsBucketId) ?? [];

    expect(promptsBucket?.DeletionPolicy).toBe('Retain');
    expect(promptsBucket?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(promptsBucket?.Properties.LoggingConfiguration.DestinationBucketName.Ref).not.toBe(promptsBucketId);
  });

  it('deploys the prompts folder to the prompts bucket without pruning', () => {
    const promptsBucketId = stack.getLogicalId(stack.data.promptsBucket.node.defaultChild as CfnBucket);

    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: promptsBucketId },
      Prune: false,
    });
  });
});

describe('permissions', () => {
  it('scopes the Bedrock statement to exactly the configured models, never "*"', () => {
    const bedrockStatements = allStatements().filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('bedrock:')),
    );
    const bedrockResources = bedrockStatements.flatMap((statement) => asArray(statement.Resource)).map(flatten);
    const named = new Set(bedrockResources.map((arn) => arn.replace(/^.*:(inference-profile|foundation-model)\//, '')));

    expect(bedrockStatements.length).toBeGreaterThan(0);
    expect(bedrockResources).not.toContain('*');
    expect(actionsOf(bedrockStatements).sort()).toEqual(
      expect.arrayContaining(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']),
    );
    expect([...named].sort()).toEqual(
      [...MODEL_IDS, ...MODEL_IDS.map((id) => id.replace(/^(us|eu)\./, ''))].sort(),
    );
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

  it('gives the dismiss function the insights table but no Bedrock access', () => {
    const actions = actionsOf(statementsOfRoute('dismissInsight'));

    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions.filter((action) => action.startsWith('bedrock:'))).toEqual([]);
    expect(environmentOfRoute('dismissInsight')).toHaveProperty('INSIGHTS_TABLE');
    expect(environmentOfRoute('dismissInsight')).not.toHaveProperty('USAGE_TABLE');
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions findings', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });
});
