import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deployedFunctions,
  deployedLayers,
  loadDeployedFunction,
  loadFromLayer,
  synthesize,
  type DeployedFunction,
  type DeployedLayer,
} from '../../local/deployed-bundles';
import { TRACER_MODULE } from '../../lib/tracing-layer';
import { routes } from '../../functions/routes';

/**
 * Every deployed function starts: the stack is synthesized as `cdk synth` does (esbuild bundles), and each bundle is
 * loaded in a fresh Node.js process with exactly the environment variables its template gives it.
 */
const outdir = mkdtempSync(join(tmpdir(), 'coaching-synth-'));
let functions: DeployedFunction[] = [];
let layers: DeployedLayer[] = [];

beforeAll(async () => {
  await synthesize(outdir);
  functions = deployedFunctions(outdir);
  layers = deployedLayers(outdir);
}, 600_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('synthesizes one function per route plus the batch and prompt functions', () => {
  const apiFunctions = functions.filter((fn) => fn.path.includes('/Api/'));

  expect(apiFunctions).toHaveLength(Object.keys(routes).length);
  expect(functions.map((fn) => fn.path)).toEqual(
    expect.arrayContaining([
      'Coaching-dev/Batch/Worker/Resource',
      'Coaching-dev/Batch/Enqueue/Resource',
      'Coaching-dev/Prompts/Validator/Resource',
    ]),
  );
});

it("finds the route functions in their capability's nested stack, with the values the stack passes them", () => {
  const listInsights = functions.find((fn) => fn.path === 'Coaching-dev/Api/Insights/ListInsights/Resource');
  const worker = functions.find((fn) => fn.path === 'Coaching-dev/Workers/InsightJobs/Function/Resource');

  // The nested stack names the table by a parameter; the stack passes the table's name, which the worker reads too.
  expect(listInsights?.environment.INSIGHTS_TABLE).toMatch(/^Coaching-dev-DataInsights/);
  expect(listInsights?.environment.INSIGHTS_TABLE).toBe(worker?.environment.INSIGHTS_TABLE);
  expect(listInsights?.environment.INSIGHTS_JOB_QUEUE_URL).toBe(worker?.environment.INSIGHTS_JOB_QUEUE_URL);
});

it('loads every deployed bundle with its own environment without throwing, exporting its handler', async () => {
  const results = [];
  for (const fn of functions) results.push({ function: fn.path, ...(await loadDeployedFunction(fn)) });

  const failures = results.filter((result) => !result.ok).map(({ function: name, error }) => ({ name, error }));
  expect(failures).toEqual([]);
  expect(results.length).toBeGreaterThan(30);
}, 300_000);

it("loads Powertools Tracer from the tracing layer alone, in a function's environment, by require() and import()", async () => {
  const [layer] = layers.filter((candidate) => candidate.path.endsWith('/TracingLayer/Resource'));
  const [worker] = functions.filter((fn) => fn.path === 'Coaching-dev/Workers/InsightJobs/Function/Resource');

  const loaded = await loadFromLayer(layer as DeployedLayer, TRACER_MODULE, 'Tracer', worker as DeployedFunction);

  expect(loaded).toMatchObject({ ok: true });
});
