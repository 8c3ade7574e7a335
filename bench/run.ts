/**
 * `npm run bench`: starts the local stack (dynalite, demo business API, JWT-verifying server, rules provider), runs
 * the seven benchmarks and prints each section's table and a summary of every target with PASS or MISS. All figures
 * are measured in this run.
 */
import './env';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { documentClient } from '../functions/shared/adapters';
import { startLocalStack } from '../local/stack';
import { benchBundles } from './bundles';
import { measureRequestFloor } from './floors';
import { insightsConfig } from '../functions/insights/config';
import { benchCachedList } from './cached-list';
import { benchConversationTurn } from './conversation-turn';
import { benchGeneration } from './generation-overhead';
import { demoTenants } from './local';
import { benchMetering } from './metering-overhead';
import { benchParallelFetch } from './parallel-fetch';
import { benchPromptTokens } from './prompt-tokens';
import { printTable } from '../local/print-table';
import { machineLine, printHeading, type TargetResult } from './support';

const main = async (): Promise<void> => {
  const started = performance.now();
  const results: TargetResult[] = [];
  const keyDir = mkdtempSync(join(tmpdir(), 'coaching-bench-'));
  try {
    const stack = await startLocalStack({ env: { LLM_PROVIDER: 'rules' }, keyFile: join(keyDir, 'key.json') });
    try {
      const tenants = await demoTenants();
      const [firstTenant] = tenants;
      if (firstTenant === undefined) throw new Error('no demo tenants in local/fixtures/business');
      process.stdout.write(`${machineLine()}; demo tenants: ${tenants.join(', ')}\n`);
      const floor = await measureRequestFloor(documentClient(), insightsConfig().INSIGHTS_TABLE);
      results.push(...(await benchCachedList(stack, firstTenant, floor)));
      results.push(...(await benchGeneration(tenants, floor)));
      results.push(...(await benchParallelFetch(stack, firstTenant)));
      results.push(...(await benchPromptTokens(tenants)));
      results.push(...(await benchMetering(firstTenant, floor)));
      results.push(...(await benchConversationTurn(firstTenant, floor)));
    } finally {
      documentClient().destroy();
      await stack.close();
    }
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
  }
  results.push(...(await benchBundles()));

  printHeading('Summary');
  printTable(
    ['figure', 'measured', 'target', 'verdict'],
    results.map((r) => [r.figure, r.measured, r.target, r.verdict]),
  );
  const misses = results.filter((result) => result.verdict === 'MISS').length;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `\n  ${misses === 0 ? 'All targets met' : `${misses} target(s) missed`}; bench took ${seconds} s.\n`,
  );
  process.stdout.write(`  At the end: ${machineLine()} (timings on a busy machine run slower, tails most).\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
