import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { capabilityEnvironments } from '../functions/routes';
import { configSchema } from '../functions/shared/config';

/**
 * Where `npm start` records how to reach it and its stores; the prompts CLI and `npm run batch` read it
 * (DEV_ENDPOINTS_FILE moves it, e.g. for a test's own server).
 */
export const DEV_ENDPOINTS_FILE =
  process.env.DEV_ENDPOINTS_FILE ?? join(__dirname, '..', '.local', 'dev-endpoints.json');

/** The key under which the file names the running dev server's URL (checked before the file is trusted). */
export const DEV_SERVER_URL_KEY = 'LOCAL_API_URL';

/** Every variable the functions read: whatever of these the dev server runs with, a local command runs with too. */
const serviceVariables = (): string[] => [
  ...new Set([configSchema, ...capabilityEnvironments].flatMap((schema) => Object.keys(schema.shape))),
];

/**
 * Records the dev server's URL and the service variables it runs with (stores, business API, model provider, table
 * names), so a local command started beside it uses the same stores and its results show in the server.
 */
export const writeDevEndpoints = (file: string, serverUrl: string, env: Readonly<Record<string, string>>): void => {
  const variables = [...serviceVariables(), 'AWS_REGION', 'S3_ENDPOINT'];
  const endpoints = Object.fromEntries(variables.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...endpoints, [DEV_SERVER_URL_KEY]: serverUrl }, null, 2)}\n`);
};

/** Removes the file when it still describes the server at `serverUrl` (another server may have written it since). */
export const removeDevEndpoints = (file: string, serverUrl: string): void => {
  if (readEndpointsFile(file)?.[DEV_SERVER_URL_KEY] === serverUrl) rmSync(file, { force: true });
};

const readEndpointsFile = (file: string): Record<string, string> | undefined => {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    return Object.fromEntries(entries);
  } catch {
    return undefined;
  }
};

/**
 * The running dev server's variables: the file's, when the server it names answers its health check within
 * `timeoutMs`; undefined when there is no file or its server is gone.
 */
export const runningDevServer = async (
  file: string = DEV_ENDPOINTS_FILE,
  timeoutMs = 1_000,
): Promise<Record<string, string> | undefined> => {
  const endpoints = readEndpointsFile(file);
  const url = endpoints?.[DEV_SERVER_URL_KEY];
  if (!endpoints || !url) return undefined;
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? endpoints : undefined;
  } catch {
    return undefined;
  }
};
