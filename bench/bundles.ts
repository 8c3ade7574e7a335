/**
 * Section 10: the Lambda bundles `cdk synth` produces (esbuild, as deployed), each loaded in a fresh Node.js process
 * with exactly the environment its template gives it, as Lambda's init does. Size per bundle, and cold module init as
 * a ratio to the SDK floor (require of the DynamoDB client + document client), each function's load paired with a
 * floor load right before it, so machine noise hits both.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  deployedFunctions,
  loadDeployedFunction,
  loadSdkFloor,
  synthesize,
  type DeployedFunction,
  type LoadResult,
} from '../local/deployed-bundles';
import { printTable } from '../local/print-table';
import { REPO_ROOT } from './local';
import { atMost, kb, median, ms, printHeading, printNotes, ratio, verdictLine, type TargetResult } from './support';

const OUT_DIR = join(REPO_ROOT, '.local', 'bench-synth');
const PAIRS = 5;
const MAX_BUNDLE_BYTES = 400 * 1024;
const MAX_INIT_RATIO = 1.5;

/**
 * A function's init and its ratio to the floor: the median over pairs of (floor load, function load). The ratio is of
 * CPU time, which other processes on a shared machine do not inflate; the wall times are shown beside it.
 */
const coldInit = async (
  fn: DeployedFunction,
): Promise<{ initMs: number; floorMs: number; cpuMs: number; floorCpuMs: number; ratio: number }> => {
  const loads: { function: LoadResult; floor: LoadResult }[] = [];
  for (let i = 0; i < PAIRS; i += 1) {
    const floor = await loadSdkFloor();
    const loaded = await loadDeployedFunction(fn);
    if (!loaded.ok) throw new Error(`${fn.path} does not start: ${loaded.error ?? 'unknown error'}`);
    loads.push({ function: loaded, floor });
  }
  return {
    initMs: median(loads.map((load) => load.function.initMs)),
    floorMs: median(loads.map((load) => load.floor.initMs)),
    cpuMs: median(loads.map((load) => load.function.cpuMs)),
    floorCpuMs: median(loads.map((load) => load.floor.cpuMs)),
    ratio: median(loads.map((load) => load.function.cpuMs / load.floor.cpuMs)),
  };
};

/** Synthesizes the stack and measures every deployed bundle's size and cold init. */
export const benchBundles = async (): Promise<TargetResult[]> => {
  printHeading(`10. Deployed Lambda bundles (cdk synth): size and cold module init, ${PAIRS} paired loads each`);
  await synthesize(OUT_DIR);
  const rows: string[][] = [];
  let largest = { name: '', bytes: 0 };
  let slowest = { name: '', ratio: 0 };
  for (const fn of deployedFunctions(OUT_DIR)) {
    const name = fn.path.replace(/^Coaching-dev\//, '').replace(/\/Resource$/, '');
    const bytes = statSync(join(fn.assetDir, 'index.js')).size;
    const init = await coldInit(fn);
    if (bytes > largest.bytes) largest = { name, bytes };
    if (init.ratio > slowest.ratio) slowest = { name, ratio: init.ratio };
    const pass = bytes <= MAX_BUNDLE_BYTES && init.ratio <= MAX_INIT_RATIO;
    rows.push([
      name,
      kb(bytes),
      ms(init.initMs),
      ms(init.floorMs),
      ms(init.cpuMs),
      ms(init.floorCpuMs),
      ratio(init.ratio),
      pass ? 'PASS' : 'MISS',
    ]);
  }
  printTable(
    ['function', 'bundle', 'init (wall)', 'floor (wall)', 'init (CPU)', 'floor (CPU)', 'CPU init / floor', 'verdict'],
    rows,
  );
  const size = atMost(`Largest bundle (${largest.name})`, largest.bytes, MAX_BUNDLE_BYTES, kb);
  const init = atMost(`Slowest cold init / SDK floor (${slowest.name})`, slowest.ratio, MAX_INIT_RATIO, ratio);
  printNotes(
    `Bundles from \`cdk synth\` in ${OUT_DIR.slice(REPO_ROOT.length + 1)}; each loaded with its template's environment`,
    '  (Refs resolved to stand-in names) and the Lambda runtime variables; @aws-sdk/* resolves from node_modules as',
    '  it does from the runtime, so its load time is in the figure.',
    'Init = require() of the bundle: module-scope config parse, logger/metrics, SDK clients, middy stack, schemas.',
    'The ratio is of CPU time (medians of per-pair ratios): wall time on a shared machine also counts other processes.',
    'Floor = require() of @aws-sdk/client-dynamodb + @aws-sdk/lib-dynamodb alone, which a DynamoDB-reading function',
    "  pays anyway. Not included: the process start-up before require(), which Lambda's Init Duration also counts.",
    verdictLine(size),
    verdictLine(init),
  );
  return [size, init];
};
