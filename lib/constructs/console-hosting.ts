import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** Where `npm run console:build` writes the console; deployed when present (synth works without it). */
export const CONSOLE_DIST = path.join(__dirname, '..', '..', 'console', 'dist');

/** What the console needs to know at run time (written to the bucket as config.json). */
export interface ConsoleHostingProps {
  readonly apiUrl: string;
  /** The base URL of the streaming conversation reply (a Lambda function URL). */
  readonly streamingUrl: string;
  readonly oidcIssuer: string;
  readonly oidcClientId: string;
  /** The console build folder (default console/dist); skipped when it does not exist. */
  readonly dist?: string;
}

/**
 * The web console on AWS: a private, encrypted, SSL-only S3 bucket behind CloudFront (origin access control, HTTPS
 * only, security headers), with the console build and a config.json (API and streaming URLs, OIDC issuer and client
 * id; the console signs in with authorization code + PKCE; there is no dev sign-in here).
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy:
            "default-src 'self'; connect-src 'self' https:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'self'",
          override: true,
        },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Coaching web console',
      defaultRootObject: 'index.html',
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        responseHeadersPolicy: headers,
      },
    });

    const dist = props.dist ?? CONSOLE_DIST;
    const config = Source.jsonData('config.json', {
      mode: 'oidc',
      apiUrl: props.apiUrl,
      streamingUrl: props.streamingUrl,
      issuer: props.oidcIssuer,
      clientId: props.oidcClientId,
    });
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: RetentionDays.ONE_MONTH });
    const role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    new BucketDeployment(this, 'Deployment', {
      sources: existsSync(path.join(dist, 'index.html')) ? [Source.asset(dist), config] : [config],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      role,
      logGroup,
    });
    this.acknowledge(role);
    new CfnOutput(this, 'Url', {
      key: 'ConsoleUrl',
      value: `https://${this.distribution.distributionDomainName}`,
      description: 'The web console',
    });
  }

  private acknowledge(role: Role): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const qualifier: string =
      (this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const grants = {
      'Action::s3:GetObject*': 'reads the console asset zip and the objects it replaces',
      'Action::s3:GetBucket*': 'reads the location and settings of the asset and console buckets',
      'Action::s3:List*': 'lists the asset and console buckets while syncing',
      'Action::s3:DeleteObject*': 'prunes files of older console builds',
      'Action::s3:Abort*': 'aborts its own failed multipart uploads',
      [`Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`]:
        'reads assets whose keys are content hashes chosen at synth, inside the CDK bootstrap assets bucket',
      [`Resource::<${bucketId}.Arn>/*`]: 'writes the console files',
      'Resource::*':
        'creates the CloudFront invalidation after a deployment (CloudFront has no resource-level scope for it here)',
    };
    for (const [finding, why] of Object.entries(grants)) {
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
          'The BucketDeployment provider runtime is chosen by aws-cdk-lib; it runs only while deploying the console.',
      });
    }
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'The console bucket holds only the public build; CloudFront is the only reader (origin access control).',
    });
    const distribution = this.distribution;
    const cloudFront = {
      'AwsSolutions-CFR1': 'The console is a static sign-in page for a global user base; no geo restriction.',
      'AwsSolutions-CFR2': 'Static files only; the API behind it has its own throttling and JWT authorizer.',
      'AwsSolutions-CFR3': 'Access logs of static console files add cost and no security value; the API logs calls.',
      'AwsSolutions-CFR4': 'The default CloudFront certificate; TLS 1.2 minimum applies with a custom domain.',
    };
    for (const [rule, reason] of Object.entries(cloudFront))
      Validations.of(distribution).acknowledge({ id: rule, reason });
  }
}
