/**
 * `npm run batch -- [--tenants a,b] [--concurrency N]`: tonight's run, locally. With a dev server running (`npm
 * start`), it writes to that server's stores, so the run (`GET /admin/batch/runs/{runId}`) and the insights show
 * there; otherwise it starts a private local stack (dynalite, the embedded prompts bucket, the demo business API; the
 * LLM provider as in env, rules by default). It registers the demo
 * tenants (or takes `--tenants`), enqueues the run into an in-memory queue and drains it with N workers that run the
 * Lambda worker's own code, then prints the run's summary. Exits 1 when a tenant failed or a message was dead-lettered.
 *
 * `npm run batch -- redrive`: against AWS, moves the batch dead-letter queue's messages back to the batch queue
 * (BATCH_DLQ_ARN, optionally BATCH_QUEUE_ARN) and prints the move task's handle.
 */
import './cli-env';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { printTable } from './print-table';
import { BATCH_WORKER_TIMEOUT_SECONDS, type RunSummary } from '../functions/batch/model';
import type { BatchLedger } from '../functions/batch/ports';
import { MemoryQueue } from '../functions/shared/jobs/memory-queue';
import { drainQueue } from './queue-workers';
import { DEV_ENDPOINTS_FILE, DEV_SERVER_URL_KEY, runningDevServer } from './dev-endpoints';
import { startLocalStack } from './stack';

const USAGE =
  'usage: npm run batch -- [--tenants a,b] [--concurrency N] [--endpoints <file>]   |   npm run batch -- redrive';

/** Longer than a local generation with a real model, so a slow tenant is not delivered twice while it runs. */
const LOCAL_VISIBILITY_SECONDS = 120;
/** How long an idle worker waits before it polls the queue again. */
const POLL_MS = 100;
const PROGRESS_WIDTH = 30;

/** What the command line asked for. */
interface BatchCommand {
  readonly redrive: boolean;
  readonly tenants?: readonly string[];
  readonly concurrency: number;
  /** The dev server's endpoints file (default: .local/dev-endpoints.json, written by npm start). */
  readonly endpointsFile: string;
}

/** Parses the arguments; throws with the usage line on anything it does not know. */
const parseBatchArgs = (argv: readonly string[]): BatchCommand => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      tenants: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      endpoints: { type: 'string', default: DEV_ENDPOINTS_FILE },
    },
    allowPositionals: true,
  });
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`--concurrency must be a positive whole number\n${USAGE}`);
  if (positionals.some((word) => word !== 'redrive'))
    throw new Error(`unknown argument: ${positionals.join(' ')}\n${USAGE}`);
  const tenants = values.tenants
    ?.split(',')
    .map((tenant) => tenant.trim())
    .filter((tenant) => tenant.length > 0);
  return {
    redrive: positionals.includes('redrive'),
    concurrency,
    endpointsFile: values.endpoints,
    ...(tenants ? { tenants } : {}),
  };
};

/** The demo business API's tenants: one per fixture. */
const demoTenantIds = async (): Promise<string[]> =>
  (await readdir(join(__dirname, 'fixtures', 'business')))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();

/** Tenants with a final outcome so far. */
const finishedOf = (summary: RunSummary): number =>
  summary.generated + summary.from_cache + summary.fallback + summary.skipped + summary.failed;

/** `[#########.....]  6/10  generated 4  fallback 1  skipped 1` */
const progressLine = (summary: RunSummary): string => {
  const done = finishedOf(summary);
  const filled = summary.enqueued === 0 ? 0 : Math.round((done / summary.enqueued) * PROGRESS_WIDTH);
  const counts = (['generated', 'from_cache', 'fallback', 'skipped', 'retry_later', 'failed'] as const)
    .filter((outcome) => summary[outcome] > 0)
    .map((outcome) => `${outcome} ${summary[outcome]}`);
  return `[${'#'.repeat(filled)}${'.'.repeat(PROGRESS_WIDTH - filled)}] ${done}/${summary.enqueued}  ${counts.join('  ')}`;
};

/** Redraws the progress bar on stderr from the run's counters until stopped (only its last state when not a TTY). */
const showProgress = (ledger: BatchLedger, runId: string): { stop(): Promise<void> } => {
  const tty = process.stderr.isTTY === true;
  const draw = async (last: boolean): Promise<void> => {
    const summary = await ledger.summary(runId);
    const line = summary ? progressLine(summary) : '';
    process.stderr.write(`${tty ? `\r${line}\u001b[K` : line}${last ? '\n' : ''}`);
  };
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running && tty) {
      await draw(false);
      await sleep(200);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await draw(true);
    },
  };
};

/** Prints the run summary as a table. */
const printSummary = (summary: RunSummary, deadLetters: number, wallSeconds: number): void => {
  const rows: [string, string | number][] = [
    ['run', summary.runId],
    ['day', summary.day],
    ['enqueued', summary.enqueued],
    ['generated', summary.generated],
    ['from_cache', summary.from_cache],
    ['fallback', summary.fallback],
    ['skipped', summary.skipped],
    ['duplicate', summary.duplicate],
    ['retry_later', summary.retry_later],
    ['failed', summary.failed],
    ['dead-lettered', deadLetters],
    ['tokens', summary.tokens],
    ['cost (USD)', (summary.costMicros / 1_000_000).toFixed(4)],
    ['wall time', `${wallSeconds.toFixed(1)} s`],
  ];
  printTable(['figure', 'value'], rows);
};

/**
 * The stores the run writes to: a running dev server's (`npm start`), so its run and insights show there, else a
 * private local stack of its own (closed after the run).
 */
const localStores = async (
  endpointsFile: string,
): Promise<{ readonly description: string; close(): Promise<void> }> => {
  const quiet: Record<string, string> = process.env.POWERTOOLS_LOG_LEVEL ? {} : { POWERTOOLS_LOG_LEVEL: 'ERROR' };
  const devServer = await runningDevServer(endpointsFile);
  if (devServer) {
    Object.assign(process.env, { ...devServer, ...quiet });
    return { description: `the dev server's stores (${devServer[DEV_SERVER_URL_KEY]})`, close: async () => {} };
  }
  const stack = await startLocalStack({ env: quiet });
  return { description: 'a private local stack (no dev server running)', close: () => stack.close() };
};

/** Runs tonight's batch against local stores; resolves to the exit code. */
const runLocally = async (command: BatchCommand): Promise<number> => {
  const started = Date.now();
  const stores = await localStores(command.endpointsFile);
  process.stderr.write(`Running against ${stores.description}\n`);
  try {
    // Loaded once the stack has set the environment, as Lambda loads the handler after its env is in place.
    const [
      { batchLedger, tenantRegistry, workerSettings },
      { serviceTokens },
      { tenantGenerator },
      { enqueueRun },
      { handleRecords },
      { logger },
    ] = await Promise.all([
      import('../functions/batch/wiring'),
      import('../functions/shared/adapters'),
      import('../functions/batch/tenant-generator'),
      import('../functions/batch/enqueue'),
      import('../functions/batch/worker'),
      import('../functions/shared/observability'),
    ]);
    const settings = workerSettings();
    const queue = new MemoryQueue({
      visibilityTimeoutSeconds: LOCAL_VISIBILITY_SECONDS,
      maxReceiveCount: settings.maxReceiveCount,
    });
    const clock = (): Date => new Date();
    const ledger = batchLedger();
    if (!command.tenants) {
      for (const tenantId of await demoTenantIds()) await tenantRegistry().add(tenantId, 'local-batch', clock());
    }
    const runId = `local-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}`;
    await enqueueRun(
      { registry: tenantRegistry(), queue, ledger, clock, log: logger },
      { runId, ...(command.tenants ? { tenants: command.tenants } : {}) },
    );
    const deps = { ledger, queue, tokens: serviceTokens(), generate: tenantGenerator(), clock, log: logger, settings };
    const progress = showProgress(ledger, runId);
    await drainQueue(
      queue,
      (records) => handleRecords(deps, records, Date.now() + BATCH_WORKER_TIMEOUT_SECONDS * 1000),
      {
        concurrency: command.concurrency,
        batchSize: 1,
        idle: (next) => sleep(Math.min(POLL_MS, Math.max(1, next - Date.now()))),
      },
    );
    await progress.stop();

    const summary = await ledger.summary(runId);
    if (!summary) throw new Error(`run ${runId} has no summary`);
    const deadLetters = queue.deadLetters().length;
    printSummary(summary, deadLetters, (Date.now() - started) / 1000);
    return summary.failed > 0 || deadLetters > 0 ? 1 : 0;
  } finally {
    const { documentClient } = await import('../functions/shared/adapters');
    documentClient().destroy();
    await stores.close();
  }
};

/** Starts moving the dead-letter queue's messages back to the batch queue in AWS. */
const redrive = async (): Promise<number> => {
  const deadLetterQueueArn = process.env.BATCH_DLQ_ARN;
  if (!deadLetterQueueArn)
    throw new Error('redrive needs BATCH_DLQ_ARN (the batch dead-letter queue) and AWS credentials');
  const [{ SQSClient }, { startRedrive }] = await Promise.all([
    import('@aws-sdk/client-sqs'),
    import('../functions/batch/redrive'),
  ]);
  const client = new SQSClient({});
  try {
    const sourceQueueArn = process.env.BATCH_QUEUE_ARN;
    const task = await startRedrive(client, { deadLetterQueueArn, ...(sourceQueueArn ? { sourceQueueArn } : {}) });
    process.stdout.write(
      `Moving messages from ${task.deadLetterQueueArn} to ${task.destinationArn ?? 'their source queue'}\n` +
        `Task handle: ${task.taskHandle}\n(aws sqs list-message-move-tasks --source-arn ${task.deadLetterQueueArn} shows its progress)\n`,
    );
    return 0;
  } finally {
    client.destroy();
  }
};

const main = async (): Promise<void> => {
  const command = parseBatchArgs(process.argv.slice(2));
  process.exitCode = command.redrive ? await redrive() : await runLocally(command);
};

main().catch((error: unknown) => {
  process.stderr.write(`batch failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
