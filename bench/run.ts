/**
 * `npm run bench`: starts the local stack (dynalite, demo business API, JWT-verifying server, the bedrock provider on
 * the fake Bedrock), runs the benchmarks and prints each section's table and a summary of every target with PASS or
 * MISS. Sections 1-6, 11 (nudges) and 13 (knowledge-base search) run in-process (the model canned or instant); 7-9 over HTTP with the fake at
 * realistic pace; 10 loads the deployed bundles. All figures are measured in this run.
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
import { BenchClient } from './http-client';
import { benchInsightsMiss } from './insights-miss';
import { benchMetricTrends } from './metric-trends';
import { benchKnowledgeSearch } from './knowledge-search';
import { benchNudges } from './nudges';
import { benchFirstStreamedByte, benchSimultaneousTurns } from './live-conversations';
import { startBenchBedrock } from './live-model';
import { printTable } from '../local/print-table';
import { machineLine, printHeading, printNotes, type TargetResult } from './support';

const seconds = (fromMs: number): string => `${((performance.now() - fromMs) / 1000).toFixed(1)} s`;

const main = async (): Promise<void> => {
  const started = performance.now();
  const results: TargetResult[] = [];
  /** Runs one section, keeps its results and prints how long it took. */
  const section = async (run: () => Promise<TargetResult[]>): Promise<void> => {
    const sectionStarted = performance.now();
    results.push(...(await run()));
    printNotes(`(this section took ${seconds(sectionStarted)})`);
  };
  const keyDir = mkdtempSync(join(tmpdir(), 'coaching-bench-'));
  const bedrock = await startBenchBedrock();
  try {
    const stack = await startLocalStack({
      env: { LLM_PROVIDER: 'bedrock', BEDROCK_ENDPOINT: bedrock.endpoint },
      keyFile: join(keyDir, 'key.json'),
    });
    const client = new BenchClient(stack.url);
    try {
      const tenants = await demoTenants();
      const [firstTenant] = tenants;
      if (firstTenant === undefined) throw new Error('no demo tenants in local/fixtures/business');
      process.stdout.write(`${machineLine()}; demo tenants: ${tenants.join(', ')}\n`);
      const floor = await measureRequestFloor(documentClient(), insightsConfig().INSIGHTS_TABLE);
      await section(() => benchCachedList(stack, firstTenant, floor));
      await section(() => benchGeneration(tenants, floor));
      await section(() => benchParallelFetch(stack, firstTenant));
      await section(() => benchPromptTokens(tenants));
      await section(() => benchMetering(firstTenant, floor));
      await section(() => benchConversationTurn(firstTenant, floor));
      await section(() => benchInsightsMiss(stack, bedrock, client, tenants));
      await section(() => benchFirstStreamedByte(stack, bedrock, client, tenants));
      await section(() => benchSimultaneousTurns(stack, bedrock, client, tenants));
      await section(() => benchNudges(stack, firstTenant));
      await section(() => benchMetricTrends(stack));
      await section(() => benchKnowledgeSearch(stack));
    } finally {
      client.close();
      documentClient().destroy();
      await stack.close();
    }
  } finally {
    await bedrock.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
  await section(benchBundles);

  printHeading('Summary');
  printTable(
    ['figure', 'measured', 'target', 'verdict'],
    results.map((r) => [r.figure, r.measured, r.target, r.verdict]),
  );
  const misses = results.filter((result) => result.verdict === 'MISS').length;
  process.stdout.write(
    `\n  ${misses === 0 ? 'All targets met' : `${misses} target(s) missed`}; bench took ${seconds(started)}.\n`,
  );
  process.stdout.write(`  At the end: ${machineLine()} (timings on a busy machine run slower, tails most).\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
