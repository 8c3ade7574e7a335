/**
 * Section 11: the nudges' request paths, in-process (the exported handlers: middy stack, claims, zod, the use case on
 * dynalite), against a floor measured in the same section, a bare PutItem on dynalite:
 * - `POST /coach/activity`: the conditional put of the activity, the view read (nudges, settings, deliveries, the
 *   stored projection), the projection's update, the reactive rules and the raise of their nudge (conditional put,
 *   then its delivery claim), for a user whose history grows to RUNS events;
 * - `GET /coach/nudges` for a user with 500 activities: the view read, the goals from the demo business API, the time
 *   triggers and the pending list (the projection rebuilt and the patterns computed on the first read only, as in use).
 * `npx tsx bench/nudges.ts` runs this section alone on a local stack of its own.
 */
import './env';
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { nudgesConfig } from '../functions/nudges/config';
import { nudgeStore } from '../functions/nudges/wiring';
import { routes } from '../functions/routes';
import { documentClient } from '../functions/shared/adapters';
import { demoActivityHistory } from '../local/demo-activity';
import { lambdaContext } from '../local/lambda-context';
import { printTable } from '../local/print-table';
import type { LocalStack } from '../local/stack';
import { gatewayClaims, gatewayEvent } from './local';
import {
  atMost,
  distribution,
  distributionRow,
  info,
  ms,
  printHeading,
  printNotes,
  ratio,
  sample,
  verdictLine,
  type TargetResult,
} from './support';

const RUNS = 500;
const WARMUP = 50;
const HISTORY = 500;
/** The targets against dynalite (p99). */
const INGEST_TARGET_MS = 30;
const LIST_TARGET_MS = 50;

/** Measures ingest + reactive evaluation and the list of a user with 500 activities. */
export const benchNudges = async (stack: LocalStack, tenantId: string): Promise<TargetResult[]> => {
  printHeading(`11. Nudges: POST /coach/activity and GET /coach/nudges (tenant ${tenantId}, in-process handlers)`);
  const table = nudgesConfig().NUDGES_TABLE;
  const client = documentClient();
  const floor = distribution(
    await sample(
      1000,
      () => client.send(new PutCommand({ TableName: table, Item: { pk: 'BENCH#FLOOR', sk: randomUUID(), v: 1 } })),
      100,
    ),
  );

  const ingestUser = `bench-ingest-${randomUUID().slice(0, 8)}`;
  const ingestToken = await stack.mintToken({ tenantId, userId: ingestUser });
  const ingestClaims = gatewayClaims(ingestToken);
  const { handler: record } = await import('../functions/nudges/handlers/record-activity');
  let n = 0;
  const ingest = async (): Promise<void> => {
    n += 1;
    const body = JSON.stringify({
      action: n % 3 === 0 ? 'deal_closed' : 'task_created',
      entityType: n % 3 === 0 ? 'deal' : 'task',
      entityId: `e-${n}`,
      metadata:
        n % 3 === 0
          ? { won: true, value: 1000 + n, days_to_close: 10 }
          : { priority: 'high', has_due_date: false, title: `Task ${n}` },
    });
    const event = { ...gatewayEvent(routes.recordActivity, ingestToken, ingestClaims), body };
    event.headers = { ...event.headers, 'content-type': 'application/json' };
    const result = await record(event, lambdaContext('recordActivity'));
    if (result.statusCode !== 201) throw new Error(`POST /coach/activity: ${result.statusCode} ${result.body}`);
  };
  const ingested = distribution(await sample(RUNS, ingest, WARMUP));

  const listUser = `bench-list-${randomUUID().slice(0, 8)}`;
  const busy = { deals: 60, winRate: 0.6, tasks: 150, completionRate: 0.8, leads: 50, contactRate: 0.8 };
  const history = demoActivityHistory(tenantId, new Date(), busy).slice(-HISTORY);
  await nudgeStore().importActivities({ tenantId, userId: listUser }, history, new Date(Date.now() + 180 * 86_400_000));
  await nudgeStore().saveSettings({ tenantId, userId: listUser }, { coachLevel: 3, patternInsights: true });
  const listToken = await stack.mintToken({ tenantId, userId: listUser });
  const listClaims = gatewayClaims(listToken);
  const { handler: list } = await import('../functions/nudges/handlers/list-nudges');
  const read = async (): Promise<void> => {
    const result = await list(gatewayEvent(routes.listNudges, listToken, listClaims), lambdaContext('listNudges'));
    if (result.statusCode !== 200) throw new Error(`GET /coach/nudges: ${result.statusCode} ${result.body}`);
  };
  const listed = distribution(await sample(RUNS, read, WARMUP));

  printTable(
    ['path', 'runs', 'p50', 'p95', 'p99', 'max'],
    [
      distributionRow('floor: PutItem on dynalite', floor),
      distributionRow('POST /coach/activity (ingest + reactive)', ingested),
      distributionRow(`GET /coach/nudges (${history.length} activities)`, listed),
    ],
  );
  const results = [
    atMost('Nudge ingest + reactive evaluation p99', ingested.p99, INGEST_TARGET_MS, ms),
    info('Nudge ingest p99 / PutItem p99', ratio(ingested.p99 / floor.p99)),
    atMost(`GET /coach/nudges p99 (${history.length} activities)`, listed.p99, LIST_TARGET_MS, ms),
    info('GET /coach/nudges p99 / PutItem p99', ratio(listed.p99 / floor.p99)),
  ];
  printNotes(
    `${WARMUP} unmeasured warm-up calls per path. The ingest user's history grows from ${WARMUP} to ${WARMUP + RUNS} activities`,
    '  (a deal_closed, every third call, raises a referral nudge until the daily cap; a task_created has no reactive',
    '  rule and only updates the projection, which grows to hundreds of open tasks).',
    'The list reads the goals from the demo business API over HTTP on every call.',
    ...results.map(verdictLine),
  );
  return results;
};

if (require.main === module) {
  void (async () => {
    const { startLocalStack } = await import('../local/stack');
    const stack = await startLocalStack({});
    try {
      await benchNudges(stack, 'acme-plumbing');
    } finally {
      documentClient().destroy();
      await stack.close();
    }
  })();
}
