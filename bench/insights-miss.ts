/**
 * Section 7: `GET /insights` on a miss, over HTTP against the local stack on the bedrock provider, with the fake
 * Bedrock at realistic pace. A miss (a tenant with no set and no job) answers at once with the rules' set and a queued
 * job; the job's model call takes the fake's ~29 s for ~2,000 output tokens, and the model's set replaces the rules'
 * one when it finishes. Every miss is on a fresh tenant (a copy of a demo tenant's data, in rotation): clearing a
 * tenant between rounds would let the job of an earlier round, still waiting on the model, write over the next one.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { insightJobsWorker } from '../functions/insights/workers';
import { inProcessQueue } from '../functions/shared/jobs/in-process';
import type { FakeBedrock } from '../local/fake-bedrock';
import { printTable } from '../local/print-table';
import { LOCAL_WORKER_CONCURRENCY, type LocalStack } from '../local/stack';
import type { BenchClient, BenchResponse } from './http-client';
import { INSIGHTS_OUTPUT_TOKENS, modelMs, REALISTIC_PACE } from './live-model';
import {
  atMost,
  count,
  info,
  distribution,
  distributionRow,
  ms,
  printHeading,
  printNotes,
  verdictLine,
  type TargetResult,
} from './support';

const MISSES = 100;
const WARMUP_MISSES = 5;
/** One job per worker of the local pool, so every job runs at once and none waits for another's 29 s. */
const MODEL_SET_JOBS = LOCAL_WORKER_CONCURRENCY;
/** How often a waiting client reads `/insights` again (with If-None-Match, as a frontend polls). */
const POLL_MS = 100;
/** The first answer of a miss may take at most this long (issue 10). */
const MAX_MISS_MS = 300;

/** What the list route answers, as far as the bench reads it. */
interface ListBody {
  readonly items: readonly unknown[];
  readonly source: 'llm' | 'rules';
  readonly stale: boolean;
  readonly generation?: {
    readonly status: string;
    readonly jobId: string;
    readonly startedAt: string;
    readonly finishedAt?: string;
  };
}

/** A miss's answer, checked: 200, the rules' set (not stale, not empty) and the pending job it queued. */
const missAnswer = (tenantId: string, response: BenchResponse): ListBody => {
  const body = JSON.parse(response.text) as ListBody;
  if (response.status !== 200 || body.source !== 'rules' || body.stale || body.items.length === 0) {
    throw new Error(`${tenantId}: a miss answered ${response.status} ${response.text.slice(0, 300)}`);
  }
  if (body.generation?.status !== 'pending') {
    throw new Error(`${tenantId}: a miss answered without a pending job: ${JSON.stringify(body.generation)}`);
  }
  return body;
};

/** Fresh tenants on the demo tenants' data, in rotation. */
const freshTenants = (stack: LocalStack, demoTenants: readonly string[], n: number, label: string): string[] => {
  const demoApi = stack.demoApi;
  if (!demoApi) throw new Error('the demo business API is not running (ACCOUNT_API_URL/TRACTION_API_URL are set)');
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: n }, (_, index) => {
    const demoTenant = demoTenants[index % demoTenants.length] as string;
    const tenantId = `bench-${label}-${run}-${index}-${demoTenant}`;
    demoApi.addTenant(tenantId, demoTenant);
    return tenantId;
  });
};

/** A miss on a fresh tenant, timed from the request to the end of the answer. */
const miss = async (stack: LocalStack, client: BenchClient, tenantId: string) => {
  const token = await stack.mintToken({ tenantId, userId: 'bench-user' });
  const startedAt = Date.now();
  const response = await client.call('GET', '/insights', { token });
  return { tenantId, token, startedAt, ms: response.ms, body: missAnswer(tenantId, response) };
};

/**
 * Reads `/insights` every POLL_MS until the model's set is served: milliseconds from `startedAt` (epoch) to the job's
 * claim by a worker, to its end, and to the answer that served the model's set.
 */
const untilModelSet = async (client: BenchClient, tenantId: string, token: string, startedAt: number) => {
  let etag: string | undefined;
  for (let polls = 1; ; polls += 1) {
    const response = await client.call('GET', '/insights', {
      token,
      ...(etag ? { headers: { 'if-none-match': etag } } : {}),
    });
    if (response.status === 200) {
      const body = JSON.parse(response.text) as ListBody;
      const status = body.generation?.status;
      if (body.source === 'llm' && body.generation && status === 'done') {
        const { generation } = body;
        return {
          seenMs: Date.now() - startedAt,
          claimedMs: Date.parse(generation.startedAt) - startedAt,
          doneMs: Date.parse(generation.finishedAt ?? '') - startedAt,
          polls,
        };
      }
      if (status === 'failed') throw new Error(`${tenantId}: the job failed: ${JSON.stringify(body.generation)}`);
      etag = String(response.headers.etag);
    } else if (response.status !== 304) {
      throw new Error(`${tenantId}: polling answered ${response.status} ${response.text.slice(0, 300)}`);
    }
    await sleep(POLL_MS);
  }
};

/** Waits until the worker pool has taken every job queued so far. */
const untilTaken = async (): Promise<void> => {
  const queue = inProcessQueue(insightJobsWorker.id);
  while (queue.receivable() > 0) await sleep(10);
};

/** Drops the queued jobs no worker has taken (the misses' jobs: each would wait on the fake for its 29 s). */
const dropWaitingJobs = (): number => {
  const queue = inProcessQueue(insightJobsWorker.id);
  const waiting = queue.receive(queue.receivable());
  for (const record of waiting) queue.delete(record.messageId);
  return waiting.length;
};

/**
 * Times first answers of misses, and how long the model's set takes to replace the rules' one: MODEL_SET_JOBS misses
 * start jobs that take the whole worker pool; the measured misses run while those jobs wait on the model (their own
 * jobs stay queued and are dropped afterwards); then the pool's jobs are awaited by polling.
 */
export const benchInsightsMiss = async (
  stack: LocalStack,
  bedrock: FakeBedrock,
  client: BenchClient,
  demoTenants: readonly string[],
): Promise<TargetResult[]> => {
  printHeading(
    `7. GET /insights on a miss over HTTP, fake Bedrock at ${REALISTIC_PACE.firstTokenMs} ms + ${REALISTIC_PACE.tokensPerSecond} tokens/s (${MISSES} misses, ${MODEL_SET_JOBS} jobs to the model's set)`,
  );
  bedrock.setPace(REALISTIC_PACE);
  const jobTenants = freshTenants(stack, demoTenants, MODEL_SET_JOBS, 'job');
  const missTenants = freshTenants(stack, demoTenants, WARMUP_MISSES + MISSES, 'miss');
  const callsBefore = bedrock.callCount();

  const jobMisses = await Promise.all(jobTenants.map((tenantId) => miss(stack, client, tenantId)));
  await untilTaken();
  const started = performance.now();
  const misses: Awaited<ReturnType<typeof miss>>[] = [];
  for (const tenantId of missTenants) misses.push(await miss(stack, client, tenantId));
  const missesWallMs = performance.now() - started;
  const dropped = dropWaitingJobs();
  const toModelSet = await Promise.all(
    jobMisses.map((job) => untilModelSet(client, job.tenantId, job.token, job.startedAt)),
  );
  await stack.workersIdle();
  const modelCalls = bedrock.callCount() - callsBefore;

  const fakeMs = modelMs(REALISTIC_PACE, INSIGHTS_OUTPUT_TOKENS);
  const measured = misses.slice(WARMUP_MISSES);
  const first = distribution(measured.map((result) => result.ms));
  const seen = distribution(toModelSet.map((result) => result.seenMs));
  const claimed = distribution(toModelSet.map((result) => result.claimedMs));
  const running = distribution(toModelSet.map((result) => result.doneMs - result.claimedMs));
  printTable(
    ['figure', 'runs', 'p50', 'p95', 'p99', 'max'],
    [
      distributionRow('first answer of a miss (rules set + queued job)', first),
      distributionRow(
        "  the pool's jobs' own misses (sent at once)",
        distribution(jobMisses.map((result) => result.ms)),
      ),
      distributionRow('miss → its job claimed by a worker (startedAt)', claimed),
      distributionRow(`  claimed → done (data, the fake's ${ms(fakeMs)}, set write)`, running),
      distributionRow("miss → GET /insights serves the model's set", seen),
    ],
  );
  const results = [
    atMost(`GET /insights miss, first answer p99 (${count(MISSES)} misses)`, first.p99, MAX_MISS_MS, ms),
    info(
      `Miss → the model's set served (max of ${MODEL_SET_JOBS} jobs, ~${count(INSIGHTS_OUTPUT_TOKENS)} output tokens)`,
      `${ms(seen.max)} = the fake's ${ms(fakeMs)} + ${ms(seen.max - fakeMs)}`,
    ),
  ];
  printNotes(
    `Each miss is a GET /insights over HTTP (JWT verification, two reads, the job's slot and record, the rules' set from`,
    `  the demo business API, the stand-in's conditional write) by a user of a fresh tenant; ${WARMUP_MISSES} unmeasured first.`,
    `  Every answer was the rules' set with a pending job. The ${count(MISSES)} misses took ${ms(missesWallMs)} in all, while the`,
    `  pool's ${MODEL_SET_JOBS} jobs waited on the fake; ${count(dropped)} of the misses' own jobs were still queued and were dropped.`,
    `The model's set: ${MODEL_SET_JOBS} misses queued one job each (the local pool runs ${LOCAL_WORKER_CONCURRENCY} at once); each job's`,
    `  model call is paced at ${ms(REALISTIC_PACE.firstTokenMs)} + ${count(INSIGHTS_OUTPUT_TOKENS)} tokens / ${REALISTIC_PACE.tokensPerSecond} per s = ${ms(fakeMs)}; the client polls every ${POLL_MS} ms`,
    `  (If-None-Match, from the end of the misses) and counts until the first answer with source llm` +
      (toModelSet.some((result) => result.polls === 1) ? ' (its first poll already saw it: an upper bound).' : '.'),
    `  Job times are the job's own startedAt/finishedAt (ms resolution). ${count(modelCalls)} model calls in this section.`,
    ...results.map(verdictLine),
  );
  return results;
};
