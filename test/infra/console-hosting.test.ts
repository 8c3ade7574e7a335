import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routes } from '../../functions/routes';
import { ConsoleHosting } from '../../lib/constructs/console-hosting';

const hosted = () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ConsoleTest');
  new ConsoleHosting(stack, 'Console', {
    apiUrl: 'https://api.example.com',
    streamingUrl: 'https://stream.example.com',
    oidcIssuer: 'https://auth.example.com/',
    oidcClientId: 'console-client',
    dist: mkdtempSync(join(tmpdir(), 'no-console-build-')),
  });
  return stack;
};

describe('the console hosting', () => {
  const stack = hosted();
  const template = Template.fromStack(stack);

  it('keeps the bucket private, encrypted and SSL-only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('serves it through CloudFront with origin access control, HTTPS only and security headers', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
  });

  it('writes config.json for OIDC sign-in, and synthesizes without a console build', () => {
    const deployment = template.findResources('Custom::CDKBucketDeployment');
    const text = JSON.stringify(deployment);
    expect(Object.keys(deployment)).toHaveLength(1);
    expect(text).toContain('SourceMarkersConfig');
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toContain('/local/sign-in');
  });

  it('is cdk-nag clean with its acknowledgements', () => {
    const { violations } = new AwsSolutionsChecks().validateScope(stack);
    expect(violations).toEqual([]);
  });

  it('has no dev sign-in route', () => {
    expect(Object.values(routes).map((route) => route.path)).not.toContain('/local/sign-in');
  });
});
