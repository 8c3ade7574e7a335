import { analyses } from './analyses/routes';
import { assistant } from './assistant/routes';
import { batch } from './batch/routes';
import { conversations } from './conversations/routes';
import { insights } from './insights/routes';
import { metrics } from './metrics/routes';
import { nudges } from './nudges/routes';
import { platform } from './platform/routes';
import { promptAdmin } from './prompt-admin/routes';
import type { TableDefinition } from './shared/dynamo/tables';
import { support } from './support/routes';
import type { Capability, RouteTable } from './shared/http/route';
import type { WorkerDefinition } from './shared/jobs/worker-definition';
import { jobsTable } from './shared/jobs/tables';
import { metricHistoryTable } from './shared/metrics/tables';
import { sourceHealthTable } from './shared/business-api/tables';
import { promptIndexTable } from './shared/prompts/tables';
import { usageTable } from './shared/usage/tables';
import { usage } from './usage/routes';

/**
 * The capabilities of the service, one line each. A new capability is its folder (with its routes.ts and tables.ts)
 * plus one line here.
 */
const capabilities = [
  platform,
  insights,
  promptAdmin,
  usage,
  conversations,
  nudges,
  batch,
  metrics,
  analyses,
  assistant,
  support,
] as const;

type RoutesOf<C extends readonly Capability[]> = C extends readonly [
  infer Head extends Capability,
  ...infer Rest extends readonly Capability[],
]
  ? Head['routes'] & RoutesOf<Rest>
  : unknown;

/**
 * THE route table, composed from the capabilities' own rows. The CDK API construct creates one function and one API
 * route per row; the local dev server serves exactly these rows; the OpenAPI document is generated from them.
 * Handlers never import it: each imports its own capability's routes, so a bundle carries only its own schemas.
 */
export const routes = Object.assign({}, ...capabilities.map((capability) => capability.routes)) as RoutesOf<
  typeof capabilities
> &
  RouteTable;

/** The route names. */
export type RouteName = keyof RoutesOf<typeof capabilities>;

/** The environment schemas the capabilities declare (each parsed by its own functions at cold start). */
export const capabilityEnvironments = capabilities.flatMap((capability) => (capability.env ? [capability.env] : []));

/** Every queue worker the capabilities declare, by the key senders' grants name it by. */
export const workers: Readonly<Record<string, WorkerDefinition>> = Object.assign(
  {},
  ...capabilities.map((capability) => capability.workers ?? {}),
) as Record<string, WorkerDefinition>;

/**
 * Tables the shared ports own (usage metering, the prompt index, jobs, the metric history, the business sources'
 * health); every other table belongs to a capability.
 */
const sharedTables = {
  usage: usageTable,
  promptIndex: promptIndexTable,
  jobs: jobsTable,
  metricHistory: metricHistoryTable,
  sourceHealth: sourceHealthTable,
} as const;

/** Every table of the service, by the key route grants name it by. */
export const tables: Readonly<Record<string, TableDefinition>> = Object.assign(
  { ...sharedTables },
  ...capabilities.map((capability) => capability.tables ?? {}),
) as Record<string, TableDefinition>;
