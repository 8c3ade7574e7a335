import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { contextSchema, deployCoachingStack, readDeploymentContext } from '../../bin/deployment';
import { REPO_ROOT } from '../../lib/function';
import { context as featureFlags } from '../../cdk.json';

/** A complete context for a stage other than dev: nothing a placeholder. */
const PROD: Readonly<Record<string, unknown>> = {
  stage: 'prod',
  jwtIssuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  accountApiUrl: 'https://account.internal.coaching.test',
  tractionApiUrl: 'https://traction.internal.coaching.test',
  businessApiSecretName: 'coaching/prod/business-api-client',
  alarmEmails: 'oncall@coaching.test,lead@coaching.test',
};

const reading =
  (context: Readonly<Record<string, unknown>>) =>
  (key: string): unknown =>
    context[key];

describe('the deployment context', () => {
  it('synthesizes the dev stack from no context at all, cdk-nag clean, with tables a dev stack may delete', () => {
    const app = new App({ context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });

    const stack = deployCoachingStack(app);
    const assembly = app.synth();

    expect(stack.stackName).toBe('Coaching-dev');
    expect(assembly.getStackByName('Coaching-dev').template).toBeDefined();
    const tables = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
    expect(tables.map((table) => (table as { DeletionPolicy?: string }).DeletionPolicy)).toEqual(
      tables.map(() => 'Delete'),
    );
  });

  it("runs cdk-nag on the nested stacks too: a finding in a capability's nested stack fails the synth", () => {
    const outdir = mkdtempSync(join(tmpdir(), 'coaching-nag-'));
    const app = new App({ outdir, context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
    const stack = deployCoachingStack(app);
    // A queue with neither a dead-letter queue nor a TLS-only policy: two AwsSolutions findings, acknowledged nowhere.
    new Queue(stack.api.stacks.insights!, 'Unacknowledged');
    const report = () =>
      JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
      };

    try {
      expect(() => app.synth()).toThrow(/Api\/Insights\/Unacknowledged/);
      const findings = report().pluginReports.flatMap((plugin) => plugin.violations);
      expect(findings.map((finding) => finding.ruleName).sort()).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
      expect(
        findings.flatMap((finding) => finding.violatingConstructs.map((construct) => construct.constructPath)),
      ).toEqual([
        'Coaching-dev/Api/Insights/Unacknowledged/Resource',
        'Coaching-dev/Api/Insights/Unacknowledged/Resource',
      ]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('accepts a stage other than dev whose settings are all real', () => {
    expect(readDeploymentContext(reading(PROD))).toMatchObject({
      stage: 'prod',
      alarmEmails: ['oncall@coaching.test', 'lead@coaching.test'],
    });
  });

  it.each([
    ['jwtIssuer', undefined],
    ['jwtIssuer', 'https://auth.example.com/'],
    ['accountApiUrl', undefined],
    ['accountApiUrl', 'https://account-api.example.org/v2'],
    ['tractionApiUrl', undefined],
    ['businessApiSecretName', undefined],
    ['alarmEmails', undefined],
    ['alarmEmails', 'oncall@example.com'],
  ])('refuses a stage other than dev with %s = %s, naming the key to set', (key, value) => {
    const context = { ...PROD, [key]: value };

    expect(() => readDeploymentContext(reading(context))).toThrow(new RegExp(`stage "prod".*${key}.*-c ${key}=`));
  });

  it('accepts the placeholders in the dev stage', () => {
    expect(readDeploymentContext(reading({}))).toMatchObject({
      stage: 'dev',
      jwtIssuer: 'https://auth.example.com/',
      streamReservedConcurrency: 50,
    });
  });

  it('reads lists from the command line (comma-separated) and numbers from strings', () => {
    const context = readDeploymentContext(
      reading({
        corsOrigins: 'https://app.coaching.test, https://admin.coaching.test',
        streamReservedConcurrency: '20',
      }),
    );

    expect(context.corsOrigins).toEqual(['https://app.coaching.test', 'https://admin.coaching.test']);
    expect(context.streamReservedConcurrency).toBe(20);
  });

  it('names each invalid key', () => {
    expect(() =>
      readDeploymentContext(reading({ streamReservedConcurrency: '0', alarmEmails: 'not-an-email' })),
    ).toThrow(/alarmEmails\.0: must be email addresses; streamReservedConcurrency: /);
  });

  it("lists every context key in the README's deploy section with an example", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const missing = Object.keys(contextSchema.shape).filter((key) => !readme.includes(`-c ${key}=`));

    expect(missing).toEqual([]);
  });
});
