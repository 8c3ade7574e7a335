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
import { benchAnalysisOverhead } from './analysis-overhead';
import { benchNudges } from './nudges';
import { benchFirstStreamedByte, benchSimultaneousTurns } from './live-conversations';
import { startBenchBedrock } from './live-model';
import { printTable } from '../local/print-table';
import { machineLine, printHeading, printNotes, type TargetResult } from './support';

/**
 * The sections the command line names (`npm run bench -- 5 14` runs the floors and sections 5 and 14), or undefined
 * for all of them.
 */
const chosenSections = (args: readonly string[]): ReadonlySet<number> | undefined => {
  if (args.length === 0) return undefined;
  const numbers = args.map(Number);
  const wrong = args.filter((_, i) => !Number.isInteger(numbers[i]) || numbers[i]! < 1);
  if (wrong.length > 0) throw new Error(`bench: sections are numbered from 1, not ${wrong.join(' ')}`);
  return new Set(numbers);
};

const seconds = (fromMs: number): string => `${((performance.now() - fromMs) / 1000).toFixed(1)} s`;

const main = async (): Promise<void> => {
  const started = performance.now();
  const results: TargetResult[] = [];
  const chosen = chosenSections(process.argv.slice(2));
  /** Runs section `number` unless the command line chose others, keeps its results and prints how long it took. */
  const section = async (number: number, run: () => Promise<TargetResult[]>): Promise<void> => {
    if (chosen && !chosen.has(number)) return;
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
      await section(1, () => benchCachedList(stack, firstTenant, floor));
      await section(2, () => benchGeneration(tenants, floor));
      await section(3, () => benchParallelFetch(stack, firstTenant));
      await section(4, () => benchPromptTokens(tenants));
      await section(5, () => benchMetering(firstTenant, floor));
      await section(6, () => benchConversationTurn(firstTenant, floor));
      await section(7, () => benchInsightsMiss(stack, bedrock, client, tenants));
      await section(8, () => benchFirstStreamedByte(stack, bedrock, client, tenants));
      await section(9, () => benchSimultaneousTurns(stack, bedrock, client, tenants));
      await section(11, () => benchNudges(stack, firstTenant));
      await section(12, () => benchMetricTrends(stack));
      await section(13, () => benchKnowledgeSearch(stack));
      await section(14, () => benchAnalysisOverhead(stack, bedrock, firstTenant, floor));
    } finally {
      client.close();
      documentClient().destroy();
      await stack.close();
    }
  } finally {
    await bedrock.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
  await section(10, benchBundles);

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
