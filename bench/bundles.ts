/**
 * Section 6: each route's Lambda bundle, built with esbuild as the CDK builds it (lib/function.ts: bundle, minify,
 * source map, target node22, platform node, CommonJS, `@aws-sdk/*` external), into `.local/bench-bundles/` so the
 * external SDK resolves from node_modules as it does from the Lambda runtime. Cold init is `require(bundle)` timed
 * with `performance.now()` in a fresh `node --enable-source-maps` (the functions' NODE_OPTIONS) per spawn.
 */
import { execFile } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { routes } from '../functions/routes';
import type { RouteDefinition } from '../functions/shared/http/route';
import { REPO_ROOT } from './local';
import { printTable } from '../local/print-table';
import { atMost, kb, median, ms, printHeading, printNotes, verdictLine, type TargetResult } from './support';

const OUT_DIR = join(REPO_ROOT, '.local', 'bench-bundles');
const SPAWNS = 5;
const TARGET_BYTES = 1024 * 1024;
const TARGET_INIT_MS = 150;

const run = promisify(execFile);

/** Times `require(process.argv[1])` and prints the milliseconds. */
const INIT_PROBE =
  "const { performance } = require('node:perf_hooks'); const started = performance.now(); " +
  'require(process.argv[1]); process.stdout.write(String(performance.now() - started));';

/**
 * The environment a deployed function starts with (lib/function.ts, lib/constructs/api.ts), with placeholder
 * names and URLs: module-scope config parses, SDK clients are built, and nothing is called at import.
 */
const lambdaEnv = (functionName: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: functionName,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'coaching-service',
  POWERTOOLS_METRICS_NAMESPACE: 'CoachingService',
  LOG_LEVEL: 'INFO',
  SERVICE_VERSION: '0.1.0',
  LLM_PROVIDER: 'bedrock',
  INSIGHTS_TABLE: 'bench-insights',
  USAGE_TABLE: 'bench-usage',
  PROMPTS_BUCKET: 'bench-prompts',
  BEDROCK_MODEL_ID: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  BEDROCK_ALLOWED_MODELS: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ACCOUNT_API_URL: 'https://account.bench.invalid',
  TRACTION_API_URL: 'https://traction.bench.invalid',
});

/** Bundles one handler as the CDK does; returns the bundle's path. */
const bundle = async (name: string, route: RouteDefinition): Promise<string> => {
  const outfile = join(OUT_DIR, name, 'index.js');
  await build({
    entryPoints: [join(REPO_ROOT, route.handler)],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'node22',
    platform: 'node',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  return outfile;
};

/** Milliseconds of `require(bundle)` in a fresh node process. */
const coldInit = async (bundlePath: string, functionName: string): Promise<number> => {
  const { stdout } = await run(process.execPath, ['--enable-source-maps', '-e', INIT_PROBE, bundlePath], {
    cwd: REPO_ROOT,
    env: lambdaEnv(functionName),
    timeout: 30_000,
  });
  const value = Number(stdout.trim());
  if (!Number.isFinite(value)) throw new Error(`${functionName}: the init probe printed "${stdout}"`);
  return value;
};

/** Bundles every route's handler and measures each bundle's size and cold init. */
export const benchBundles = async (): Promise<TargetResult[]> => {
  printHeading(`6. Lambda bundles: size and cold module init (median of ${SPAWNS} fresh node processes)`);
  rmSync(OUT_DIR, { recursive: true, force: true });
  const rows: string[][] = [];
  let largest = { name: '', bytes: 0 };
  let slowest = { name: '', ms: 0 };
  let slowCount = 0;
  for (const [name, route] of Object.entries(routes) as [string, RouteDefinition][]) {
    const bundlePath = await bundle(name, route);
    const bytes = statSync(bundlePath).size;
    const mapBytes = statSync(`${bundlePath}.map`).size;
    const inits: number[] = [];
    for (let i = 0; i < SPAWNS; i += 1) inits.push(await coldInit(bundlePath, name));
    const init = median(inits);
    if (bytes > largest.bytes) largest = { name, bytes };
    if (init > slowest.ms) slowest = { name, ms: init };
    if (init > TARGET_INIT_MS) slowCount += 1;
    const verdict = bytes <= TARGET_BYTES && init <= TARGET_INIT_MS ? 'PASS' : 'MISS';
    rows.push([
      name,
      `${route.method} ${route.path}`,
      kb(bytes),
      kb(mapBytes),
      ms(init),
      ms(Math.min(...inits)),
      ms(Math.max(...inits)),
      verdict,
    ]);
  }
  printTable(['function', 'route', 'bundle', 'source map', 'init median', 'min', 'max', 'verdict'], rows, 2);
  const functions = rows.length;
  const size = atMost(`Largest bundle (${largest.name})`, largest.bytes, TARGET_BYTES, kb);
  const init = atMost(
    `Slowest cold init (${slowest.name}; ${slowCount} of ${functions} over)`,
    slowest.ms,
    TARGET_INIT_MS,
    ms,
  );
  printNotes(
    `Bundles in ${OUT_DIR.slice(REPO_ROOT.length + 1)}/<function>/index.js; the @aws-sdk/* packages they require are`,
    '  not in the bundle (the Lambda runtime provides them) but their load time is in the init figure.',
    'Init = require() of the bundle: module-scope config parse, logger/metrics, SDK clients, middy stack, zod schemas.',
    "Not included: the node process start-up before require(); Lambda's Init Duration also counts its runtime start-up.",
    verdictLine(size),
    verdictLine(init),
  );
  return [size, init];
};
