import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { configSchema, parseEnv } from '../../../functions/shared/config';
import { asGatewayClaims, callerFromEvent } from '../../../functions/shared/http/auth';
import { DEV_AUDIENCE, DEV_ISSUER, loadDevKeys } from '../../../local/dev-jwt';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO_ROOT, 'local', 'token.ts');
const KEY_FILE = join(mkdtempSync(join(tmpdir(), 'token-cli-')), 'key.json');

/** What one CLI run printed and how it exited. */
interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tsx local/token.ts <args>` with only PATH and the given environment. */
const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    execFile(
      TSX,
      [CLI, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        if (typeof code === 'number') resolve({ code, stdout, stderr });
        else reject(error ?? new Error('cli failed'));
      },
    );
  });

/** The caller the service reads from a token the CLI printed, verified with the key file's public key. */
const callerOf = async (token: string, env: Record<string, string> = {}) => {
  const { publicJwk } = await loadDevKeys(KEY_FILE);
  const { payload } = await jwtVerify(token.trim(), createLocalJWKSet({ keys: [publicJwk] }), {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
  });
  const event = { headers: {}, requestContext: { authorizer: { jwt: { claims: asGatewayClaims(payload) } } } };
  return callerFromEvent(event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer, parseEnv(configSchema, env));
};

const STACK_FRAME = /\n\s+at .+:\d+/;

describe('npm run token', () => {
  it('mints a platform admin token that the service reads as a platform admin, not a tenant admin', async () => {
    const run = await cli(['--tenant', 'platform', '--user', 'ops-1', '--platform-admin', '--keys', KEY_FILE]);

    expect(run.code).toBe(0);
    expect(await callerOf(run.stdout)).toMatchObject({
      tenantId: 'platform',
      userId: 'ops-1',
      isPlatformAdmin: true,
      isAdmin: false,
    });
  });

  it('writes the groups the environment configures, for a tenant admin too', async () => {
    const env = { JWT_ADMIN_GROUP: 'TenantAdmins', JWT_PLATFORM_ADMIN_GROUP: 'Ops' };

    const admin = await cli(['--tenant', 'acme-plumbing', '--admin', '--keys', KEY_FILE], env);
    const platformAdmin = await cli(['--tenant', 'platform', '--platform-admin', '--keys', KEY_FILE], env);

    expect(await callerOf(admin.stdout, env)).toMatchObject({ isAdmin: true, isPlatformAdmin: false });
    expect(await callerOf(platformAdmin.stdout, env)).toMatchObject({ isAdmin: false, isPlatformAdmin: true });
  });

  it('prints its usage for --help, with no stack trace', async () => {
    const run = await cli(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm run token -- --tenant <tenantId>');
    expect(run.stdout).toContain('--platform-admin');
    expect(run.stderr).toBe('');
  });

  it.each([
    [[]],
    [['--tenant']],
    [['--tenant', 'acme-plumbing', '--nope']],
    [['--tenant', 'acme-plumbing', '--admin', '--platform-admin']],
    [['--tenant', 'acme-plumbing', '--expires', 'soon']],
  ])('answers %j with the reason and its usage, exit code 2, no token and no stack trace', async (args) => {
    const run = await cli(['--keys', KEY_FILE, ...args]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: npm run token');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});
