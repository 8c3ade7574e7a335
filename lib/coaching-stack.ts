import { Stack, type StackProps } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { BusinessApiUrls, RoleGroups } from './function';
import { Api } from './constructs/api';
import { Batch, type BatchSettings } from './constructs/batch';
import { ConsoleHosting } from './constructs/console-hosting';
import { Data } from './constructs/data';
import { Events } from './constructs/events';
import { Knowledge } from './constructs/knowledge';
import { Monitoring } from './constructs/monitoring';
import { Nudges } from './constructs/nudges';
import { Prompts } from './constructs/prompts';
import { Workers } from './constructs/workers';

/** The deployment settings of one coaching stack (validated from CDK context in bin/deployment.ts). */
export interface CoachingStackProps extends StackProps {
  /** The deployment's stage; outside `dev` the tables are protected from deletion and kept when the stack goes. */
  readonly stage: string;
  /** The JWT issuer URL: API Gateway's authorizer and the streaming functions verify tokens against it. */
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
  /** The JWT group names of a tenant's admins and of platform admins, where they are not `admin`, `platform-admin`. */
  readonly roleGroups?: RoleGroups;
  readonly businessApis: BusinessApiUrls;
  readonly bedrockModelIds: readonly string[];
  /** Browser origins allowed to call the API and the streaming URLs (CORS, answered by AWS); empty for none. */
  readonly corsOrigins: readonly string[];
  /** Each streaming function's reserved concurrency. */
  readonly streamReservedConcurrency: number;
  /** Email addresses the alarms notify (subscriptions of the alarm topic). */
  readonly alarmEmails: readonly string[];
  /** The nightly insights run: schedule, Bedrock quota (worker concurrency), business API secret. */
  readonly batch: BatchSettings;
  /**
   * Host the web console (S3 + CloudFront, config.json) and the OIDC client id it signs in with (authorization code +
   * PKCE); off unless given (the full-stack infra tests do not cover it yet; test/infra/console-hosting.test.ts does).
   */
  readonly consoleHosting?: { readonly oidcClientId: string };
}

/** The coaching service: composes its constructs and nothing else. */
export class CoachingStack extends Stack {
  readonly data: Data;
  readonly prompts: Prompts;
  readonly events: Events;
  readonly knowledge: Knowledge;
  readonly workers: Workers;
  readonly api: Api;
  readonly batch: Batch;
  readonly nudges: Nudges;
  readonly monitoring: Monitoring;
  readonly console?: ConsoleHosting;

  constructor(scope: Construct, id: string, props: CoachingStackProps) {
    super(scope, id, props);
    this.data = new Data(this, 'Data', { protectTables: props.stage !== 'dev' });
    this.prompts = new Prompts(this, 'Prompts', { data: this.data, bedrockModelIds: props.bedrockModelIds });
    this.events = new Events(this, 'Events');
    this.knowledge = new Knowledge(this, 'Knowledge', { data: this.data });
    const { businessApiSecretName } = props.batch;
    const businessApiSecret =
      businessApiSecretName === undefined
        ? undefined
        : Secret.fromSecretNameV2(this, 'BusinessApiClientSecret', businessApiSecretName);
    this.workers = new Workers(this, 'Workers', {
      data: this.data,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      ...(businessApiSecret ? { businessApiSecret } : {}),
    });
    this.api = new Api(this, 'Api', {
      data: this.data,
      events: this.events,
      workers: this.workers,
      knowledge: this.knowledge,
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      corsOrigins: props.corsOrigins,
      streamReservedConcurrency: props.streamReservedConcurrency,
      ...(businessApiSecret ? { businessApiSecret } : {}),
      ...(props.roleGroups ? { roleGroups: props.roleGroups } : {}),
    });
    this.batch = new Batch(this, 'Batch', {
      data: this.data,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      settings: props.batch,
      ...(businessApiSecret ? { businessApiSecret } : {}),
    });
    this.nudges = new Nudges(this, 'Nudges', {
      data: this.data,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      ...(businessApiSecret ? { businessApiSecret } : {}),
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alarmEmails: props.alarmEmails,
      data: this.data,
      api: this.api,
      workers: this.workers,
      prompts: this.prompts,
      batch: this.batch,
      nudges: this.nudges,
    });
    if (props.consoleHosting) {
      this.console = new ConsoleHosting(this, 'Console', {
        apiUrl: this.api.stage.url,
        streamingUrl: this.api.streamUrls.streamConversationReply?.url ?? '',
        oidcIssuer: props.jwtIssuer,
        oidcClientId: props.consoleHosting.oidcClientId,
      });
    }
  }
}
