import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The local commands as a newcomer runs them, each in its own process: `npm start`, then `npm run batch` and
 * `npm run token` beside it, then SIGTERM to npm. The environment is the caller's without the test setup's own
 * switches, so a notice the commands print would show here.
 */
const REPO_ROOT = join(__dirname, '..', '..', '..');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const TENANT = 'acme-plumbing';

const {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _notice,
  POWERTOOLS_LOG_LEVEL: _level,
  ...callerEnv
} = process.env;

let workDir: string;
let endpointsFile: string;
let server: ChildProcess;
let serverOutput = '';
let baseUrl: string;

/** Runs a tsx command from the repository root with the test's environment. */
const run = (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      TSX,
      [...args],
      { cwd: REPO_ROOT, env: { ...callerEnv, DEV_ENDPOINTS_FILE: endpointsFile } },
      (error, stdout, stderr) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
    );
  });

/** Resolves with the server's URL once its banner is printed. */
const started = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      serverOutput += chunk.toString();
      const match = /Coaching API on (http:\/\/\S+)/.exec(serverOutput);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${serverOutput}`)));
  });

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'coaching-commands-'));
  endpointsFile = join(workDir, 'dev-endpoints.json');
  server = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...callerEnv, PORT: '0', DEV_ENDPOINTS_FILE: endpointsFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  baseUrl = await started(server);
}, 90_000);

afterAll(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

describe('npm run batch beside a running npm start', () => {
  it("writes to the dev server's stores: its run and its insights are the server's", async () => {
    const batch = await run(['local/batch.ts', '--tenants', TENANT]);
    const runId = /^\s*run\s+(\S+)$/m.exec(batch.stdout)?.[1];
    const token = (await run(['local/token.ts', '--tenant', TENANT, '--platform-admin'])).stdout.trim();
    const headers = { authorization: `Bearer ${token}` };
    const runSummary = await fetch(`${baseUrl}/admin/batch/runs/${runId}`, { headers });
    const readAt = Date.now();
    const insights = await fetch(`${baseUrl}/insights`, { headers });

    expect(batch.code).toBe(0);
    expect(batch.stderr).toContain(`the dev server's stores (${baseUrl.replace('localhost', '127.0.0.1')})`);
    expect(runId).toBeDefined();
    expect(runSummary.status).toBe(200);
    expect(await runSummary.json()).toMatchObject({ runId, enqueued: 1, generated: 1 });
    expect(insights.status).toBe(200);
    expect(Date.parse(((await insights.json()) as { generatedAt: string }).generatedAt)).toBeLessThan(readAt);
  }, 90_000);

  it('prints no AWS SDK notice about the Node version', () => {
    expect(serverOutput).not.toContain('NodeVersionSupportWarning');
  });
});

describe('SIGTERM to npm start', () => {
  it('stops the server and frees its port, and forgets its endpoints', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    expect(existsSync(endpointsFile)).toBe(true);

    server.kill('SIGTERM');
    await exited;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const afterStop = await fetch(`${baseUrl}/health`).then(
      (response) => response.status,
      () => 'refused',
    );

    expect(afterStop).toBe('refused');
    expect(existsSync(endpointsFile)).toBe(false);
  }, 30_000);
});
