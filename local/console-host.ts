import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Role } from '../functions/shared/caller';

/** The console's sources and its build output (served by the dev server at `/`). */
export const CONSOLE_DIR = join(__dirname, '..', 'console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

/** The local-only sign-in path prefix: lists demo users and mints their dev tokens. Never part of the stack. */
export const DEV_SIGN_IN_PATH = '/local/sign-in';

/** One demo user the local sign-in page offers. */
export interface DemoUser {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: Role;
  readonly label: string;
}

/** The demo tenants' users: an owner (user role) and an admin each, and one platform admin. */
export const demoUsers = (tenants: readonly string[], ownerId: string): DemoUser[] => [
  ...tenants.flatMap((tenantId): DemoUser[] => [
    { tenantId, userId: ownerId, role: 'user', label: 'Owner' },
    { tenantId, userId: 'admin-1', role: 'admin', label: 'Admin' },
  ]),
  { tenantId: tenants[0] as string, userId: 'platform-1', role: 'platform-admin', label: 'Platform admin' },
];

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Answers a GET for the console's static files from `dist`: `/` is index.html, `/assets/...` its hashed files.
 * Returns false (nothing sent) for any other path, so API routes are never shadowed.
 */
export const serveConsoleFile = (dist: string, pathname: string, response: ServerResponse): boolean => {
  const relative = pathname === '/' || pathname === '/index.html' ? 'index.html' : pathname.slice(1);
  if (relative !== 'index.html' && !relative.startsWith('assets/')) return false;
  const file = normalize(join(dist, relative));
  if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) return false;
  response.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': relative === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
  response.end(readFileSync(file));
  return true;
};

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    if (entry.name === 'dist' || entry.name === 'node_modules') return latest;
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);

/** Whether console/dist is missing or older than any console source file. */
export const consoleBuildStale = (): boolean => {
  const index = join(CONSOLE_DIST, 'index.html');
  return !existsSync(index) || statSync(index).mtimeMs < newest(CONSOLE_DIR);
};

/** Builds the console with Vite (a child process) when its build is missing or stale; returns whether it built. */
export const ensureConsoleBuilt = (): boolean => {
  if (!consoleBuildStale()) return false;
  const vite = join(__dirname, '..', 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(
    process.execPath,
    [vite, 'build', '--config', join(CONSOLE_DIR, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
  return true;
};
