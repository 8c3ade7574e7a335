import type { CfnKnowledgeBase } from 'aws-cdk-lib/aws-bedrock';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { version } from '../package.json';
import { workers } from '../functions/routes';
import type { RouteGrants } from '../functions/shared/http/route';
import type { Data } from './constructs/data';
import type { BusinessApiUrls, CoachingFunction } from './function';

/** The service version every function reports (SERVICE_VERSION): package.json's. */
export const SERVICE_VERSION: string = version;

/** The resources a permission set can name, and the settings that come with them. */
export interface PermissionTargets {
  readonly data: Data;
  readonly businessApis: BusinessApiUrls;
  /** Bedrock model or inference profile ids the function may invoke; the first is the default. */
  readonly bedrockModelIds: readonly string[];
  /** The hand-off bus; required only by permission sets with `handoffEvents`. */
  readonly handoffBus?: IEventBus;
  /** The workers' queues by worker key; required only by permission sets with `queues`. */
  readonly workerQueues?: Readonly<Record<string, IQueue>>;
  /** The business APIs' client credentials, for permission sets with `serviceToken`; absent: the dev token is sent. */
  readonly businessApiSecret?: ISecret;
  /** The help articles' knowledge base; required only by permission sets with `knowledgeBase`. */
  readonly knowledgeBase?: CfnKnowledgeBase;
}

/** Whether a function with these grants reads prompts, and so must bundle the prompts/ fallback copy. */
export const readsPrompts = (grants: RouteGrants): boolean => grants.promptsBucket !== undefined;

/**
 * The table access a permission set gives: its tables, and, with `businessApi`, writes to the source health table
 * (every read of the business APIs records its sources' health for the tenant: shared/business-api/health.ts).
 */
export const tableGrantsOf = (grants: RouteGrants): Readonly<Record<string, 'read' | 'readWrite'>> => ({
  ...grants.tables,
  ...(grants.businessApi ? { sourceHealth: 'readWrite' as const } : {}),
});

/**
 * Grants a function exactly a permission set (the shape of a route table row's `grants`) through the
 * CoachingFunction bind helpers, each of which also passes the env var naming what it granted. The API construct
 * applies each row's set; functions outside the API (the nightly batch worker) reuse the set of the route whose
 * work they do.
 */
export const grantAll = (fn: CoachingFunction, grants: RouteGrants, targets: PermissionTargets): void => {
  for (const [key, access] of Object.entries(tableGrantsOf(grants))) targets.data.grantTable(fn, key, access);
  if (grants.promptsBucket) {
    fn.bindPromptsBucket(targets.data.promptsBucket, grants.promptsBucket, targets.bedrockModelIds);
  }
  if (grants.bedrock) fn.allowBedrock(targets.bedrockModelIds);
  if (grants.businessApi) fn.bindBusinessApis(targets.businessApis);
  if (grants.serviceToken && targets.businessApiSecret) fn.bindBusinessApiSecret(targets.businessApiSecret);
  if (grants.cursors) fn.bindCursorKey(targets.data.cursorKey);
  for (const key of grants.queues ?? []) {
    const queue = targets.workerQueues?.[key];
    const worker = workers[key];
    if (!queue || !worker) throw new Error(`${fn.node.path} sends to the "${key}" worker's queue, which is not there`);
    fn.bindQueue(queue, worker.queueEnvVar);
  }
  if (grants.knowledgeBase) {
    if (!targets.knowledgeBase) throw new Error(`${fn.node.path} searches the knowledge base but none was given`);
    fn.bindKnowledgeBase(targets.knowledgeBase);
  }
  if (grants.handoffEvents) {
    if (!targets.handoffBus) throw new Error(`${fn.node.path} publishes hand-off events but no bus was given`);
    fn.bindHandoffBus(targets.handoffBus);
  }
};

/** The env of functions that run the capability services: SERVICE_VERSION and LLM_PROVIDER=bedrock. */
export const addServiceEnvironment = (fn: CoachingFunction): void => {
  fn.addEnvironment('SERVICE_VERSION', SERVICE_VERSION);
  fn.addEnvironment('LLM_PROVIDER', 'bedrock');
};
