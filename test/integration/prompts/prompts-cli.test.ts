import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoPromptIndex } from '../../../functions/shared/prompts/prompt-index';
import { CLI_ENDPOINT_VARIABLES } from '../../../local/stack';
import { startTestApi, type TestApi } from '../../support/local-api';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO_ROOT, 'bin', 'prompts.ts');
const TOPIC = 'insights_generation';
const INDEX_TABLE = 'cli-test-prompt-index';
const SEED = JSON.parse(readFileSync(join(REPO_ROOT, 'prompts', TOPIC, 'v1.1.json'), 'utf8')) as Record<string, unknown>;
/** The README's "typical change" block, as a newcomer copies it. */
const README_CHANGE = /A typical change[^\n]*\n\n```bash\n([\s\S]*?)```/.exec(
  readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'),
)?.[1];

/** What one CLI run printed and how it exited. */
interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let api: TestApi;
let index: DynamoPromptIndex;
let workDir: string;
/** The embedded stores of the test runtime, as a deployment would configure them (the PROMPTS_BUCKET path). */
let storeEnv: Record<string, string>;

/** Runs `tsx bin/prompts.ts <args>` from the repository root with only PATH and the given environment. */
const cli = (args: readonly string[], env: Record<string, string> = storeEnv): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    execFile(TSX, [CLI, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      if (typeof code === 'number') resolve({ code, stdout, stderr });
      else reject(error ?? new Error('cli failed'));
    });
  });

/** Writes a template based on the seed at `<workDir>/<folder>/<topic>/<version>.json` and returns its path. */
const templateFile = (folder: string, version: string, changes: Record<string, unknown> = {}): string => {
  const dir = join(workDir, folder, TOPIC);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${version}.json`);
  writeFileSync(file, JSON.stringify({ ...SEED, version, is_active: false, ...changes }, null, 2));
  return file;
};

beforeAll(async () => {
  api = await startTestApi({ PROMPT_INDEX_TABLE: INDEX_TABLE });
  index = new DynamoPromptIndex(api.db, INDEX_TABLE);
  workDir = mkdtempSync(join(tmpdir(), 'prompts-cli-'));
  const names = ['PROMPTS_BUCKET', 'S3_ENDPOINT', 'DYNAMODB_ENDPOINT', 'PROMPT_INDEX_TABLE', 'AWS_REGION'] as const;
  storeEnv = Object.fromEntries(names.map((name) => [name, String(api.stack.env[name])]));
});

afterAll(async () => {
  await api.close();
});

describe('the prompts CLI on a configured bucket and index table', () => {
  it('lists the seeded topic with its production version', async () => {
    const run = await cli(['list']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^insights_generation\s+v1\.1\s+-\s+2\s+v1\.1$/m);
  });

  it('publishes a new version with a label, reports the same content as already published, and lists it', async () => {
    const file = templateFile('labelled', 'v1.7');

    const first = await cli(['push', file, '--label', 'staging', '--as', 'alice']);
    const again = await cli(['push', file, '--as', 'alice']);
    const listed = await cli(['list', TOPIC]);

    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`created ${TOPIC} v1.7`);
    expect(first.stdout).toContain(`${TOPIC} staging -> v1.7 (moved by alice`);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already published with the same content');
    expect(await index.version(TOPIC, 'v1.7')).toMatchObject({ status: 'valid', createdBy: 'alice' });
    expect(await index.label(TOPIC, 'staging')).toMatchObject({ version: 'v1.7', movedBy: 'alice' });
    expect(listed.stdout).toMatch(/^v1\.7\s+valid\s+0\s+alice\s+\S+\s+staging\s/m);
    expect(listed.stdout).toMatch(/^v1\.1\s+valid\s+0\s+s3-upload\s+\S+\s+production\s/m);
  });

  it('refuses a changed body under a published version with the 409 message', async () => {
    await cli(['push', templateFile('original', 'v1.3')]);

    const run = await cli(['push', templateFile('changed', 'v1.3', { system_prompt: `${String(SEED.system_prompt)} Changed.` })]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`conflict: ${TOPIC} v1.3 is already published with different content`);
  });

  it('refuses an invalid file listing every problem with its field', async () => {
    const file = templateFile('invalid', 'v1.5', {
      metadata: { description: 'no title' },
      model: { temperature: 3 },
      user_prompt_template: '{{today}} {{unknown}}',
    });

    const run = await cli(['push', file]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid_template: The template is not valid');
    expect(run.stderr).toContain('  metadata.title: ');
    expect(run.stderr).toContain('  model.temperature: ');
    expect(run.stderr).toContain('  variables: {{unknown}} is used but not declared');
    expect(run.stderr).toContain('  variables: goals is declared but used in neither prompt');
    expect(await index.version(TOPIC, 'v1.5')).toBeUndefined();
  });

  it('moves production to a new version and rolls it back, recording $USER as the mover', async () => {
    await cli(['push', templateFile('promoted', 'v1.4')]);

    const moved = await cli(['label', TOPIC, 'v1.4', 'production'], { ...storeEnv, USER: 'carol' });
    const movedLabel = await index.label(TOPIC, 'production');
    const rolledBack = await cli(['rollback', TOPIC], { ...storeEnv, USER: 'carol' });

    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(`${TOPIC} production -> v1.4 (moved by carol`);
    expect(movedLabel).toMatchObject({ version: 'v1.4', movedBy: 'carol' });
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toContain(`${TOPIC} production -> v1.1`);
    expect(await index.label(TOPIC, 'production')).toMatchObject({ version: 'v1.1', movedBy: 'carol' });
  });

  it('shows the changed fields and a unified diff of two versions', async () => {
    await cli(['push', templateFile('compared', 'v1.6')]);

    const run = await cli(['diff', TOPIC, 'v1.1', 'v1.6']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('changed fields: version, is_active');
    expect(run.stdout).toContain('-  "version": "v1.1",\n+  "version": "v1.6",');
  });
});

describe('the prompts CLI on the dev server\'s endpoints file', () => {
  it('reaches the embedded stores named in the file given with --endpoints', async () => {
    const endpointsFile = join(workDir, 'dev-endpoints.json');
    const endpoints = Object.fromEntries(CLI_ENDPOINT_VARIABLES.flatMap((name) => api.stack.env[name] ? [[name, api.stack.env[name]]] : []));
    writeFileSync(endpointsFile, JSON.stringify(endpoints));

    const run = await cli(['list', '--endpoints', endpointsFile], {});

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^insights_generation\s+v1\.1\s/m);
  });

  it('says how to get stores when the endpoints file is missing', async () => {
    const run = await cli(['list', '--endpoints', join(workDir, 'no-such-file.json')], {});

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('start the dev server with npm start, or set PROMPTS_BUCKET and PROMPT_INDEX_TABLE');
  });
});

describe('the prompts CLI without stores', () => {
  it('validates the repository\'s prompts folder', async () => {
    const run = await cli(['validate', 'prompts'], {});

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`OK       ${join('prompts', TOPIC, 'v1.1.json')}`);
  });

  it('reports every problem of a broken file and a file outside its <topic>/<version>.json path', async () => {
    const broken = templateFile('broken', 'v2.0', { variables: ['today'], model: { max_tokens: 10 } });
    const misplaced = templateFile('misplaced', 'v2.1');
    const renamed = join(workDir, 'misplaced', TOPIC, 'v9.9.json');
    writeFileSync(renamed, readFileSync(misplaced));

    const [brokenRun, folderRun] = await Promise.all([
      cli(['validate', broken], {}),
      cli(['validate', join(workDir, 'misplaced')], {}),
    ]);

    expect(brokenRun.code).toBe(1);
    expect(brokenRun.stdout).toContain(`INVALID  ${broken}`);
    expect(brokenRun.stdout).toContain('  model.max_tokens: ');
    expect(brokenRun.stdout).toContain('  variables: {{goals}} is used but not declared');
    expect(folderRun.code).toBe(1);
    expect(folderRun.stdout).toContain(`(path): is ${TOPIC}/v9.9.json but the template is ${TOPIC}/v2.1.json`);
    expect(folderRun.stdout).toContain('2 file(s): 1 valid, 1 invalid');
  });

  it('prints the usage text with exit code 2 on an unknown command', async () => {
    const run = await cli(['publish'], {});

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "publish"');
    expect(run.stderr).toContain('Usage: npm run prompts -- <command> [options]');
  });
});

describe("the README's typical prompt change", () => {
  it('works as written: the CLI takes the file from /tmp and reads its topic and version from its content', async () => {
    const lines = (README_CHANGE ?? '').split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
    const [copy] = lines.filter((line) => line.startsWith('cp '));
    const commands = lines.filter((line) => line.startsWith('npm run prompts -- '));
    // The copy, with the edit its comment asks for; the file keeps its name and sits outside any prompts folder.
    const [, from, to] = copy?.split(/\s+/) ?? [];
    const tmp = join(workDir, 'tmp');
    mkdirSync(tmp, { recursive: true });
    const copied = JSON.parse(readFileSync(join(REPO_ROOT, from ?? ''), 'utf8')) as Record<string, unknown>;
    const edited = { ...copied, version: 'v1.2', is_active: false, system_prompt: `${String(copied.system_prompt)} Edited.` };
    writeFileSync((to ?? '').replace('/tmp', tmp), JSON.stringify(edited, null, 2));

    const runs: CliRun[] = [];
    for (const command of commands) {
      const args = command.slice('npm run prompts -- '.length).replaceAll('/tmp', tmp).split(/\s+/);
      runs.push(await cli(args));
    }

    expect(commands.map((command) => command.split(/\s+/)[4])).toEqual(['validate', 'push', 'label', 'rollback']);
    expect(runs.map((run) => run.code)).toEqual(commands.map(() => 0));
    expect(runs[0]?.stdout).toContain('1 file(s): 1 valid, 0 invalid');
    expect(runs[1]?.stdout).toContain(`created ${TOPIC} v1.2`);
    expect(runs[1]?.stdout).toContain(`${TOPIC} staging -> v1.2`);
    expect(runs[2]?.stdout).toContain(`${TOPIC} production -> v1.2`);
    expect(runs[3]?.stdout).toContain(`${TOPIC} production -> v1.1`);
  });

  it('reports a file nested 10,000 levels deep as a problem, in validate and in push, without a stack trace', async () => {
    const file = join(workDir, 'deep.json');
    writeFileSync(file, `{"topic":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);

    const [validated, pushed] = await Promise.all([cli(['validate', file], {}), cli(['push', file])]);

    expect(validated.code).toBe(1);
    expect(validated.stdout).toContain('  (template): nests deeper than 64 levels');
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toContain('invalid_template: The template is not valid\n  (template): nests deeper than 64 levels');
    expect(`${validated.stderr}${pushed.stderr}`).not.toMatch(/RangeError|at .+\.ts:\d+/);
  });
});
