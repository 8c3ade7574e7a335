import { parseArgs } from 'node:util';
import { configSchema, parseEnv } from '../functions/shared/config';
import { DEV_KEY_FILE, devTokenNames, loadDevKeys, mintDevToken, type DevTokenClaims } from './dev-jwt';

const USAGE = `Usage: npm run token -- --tenant <tenantId> [--user <userId>] [--admin | --platform-admin] [--expires 12h]

Prints a token the dev server (npm start) accepts, signed with its dev key pair.

Options:
  --tenant <id>       the tenant the token is for (required)
  --user <id>         its subject (default: dev-user)
  --admin             a tenant admin: all of this tenant's conversations, its limits (group JWT_ADMIN_GROUP)
  --platform-admin    a platform admin: prompts, any tenant's limits and usage, the batch
                      (group JWT_PLATFORM_ADMIN_GROUP)
  --expires <time>    how long it is valid: a whole number and s, m, h, d or w (default: 12h)
  --keys <file>       the dev key pair (default: .local/dev-jwt-key.json, the one npm start uses)
  -h, --help          this text

Exit codes: 0 printed, 1 failed, 2 usage error.`;

/** A command line the CLI cannot run; printed with the usage text, exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

const OPTIONS = {
  tenant: { type: 'string' },
  user: { type: 'string', default: 'dev-user' },
  admin: { type: 'boolean', default: false },
  'platform-admin': { type: 'boolean', default: false },
  expires: { type: 'string', default: '12h' },
  keys: { type: 'string', default: DEV_KEY_FILE },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What a command line asks for: the usage text, or a token with these claims from this key file. */
type TokenCommand =
  { readonly help: true } | { readonly help: false; readonly claims: DevTokenClaims; readonly keyFile: string };

/** Parses the arguments; throws a UsageError (or parseArgs' own error) on anything it cannot use. */
const parse = (argv: readonly string[]): TokenCommand => {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS });
  if (values.help) return { help: true };
  if (!values.tenant) throw new UsageError('--tenant is required');
  if (values.admin && values['platform-admin']) throw new UsageError('choose one of --admin and --platform-admin');
  if (!/^\d+[smhdw]$/.test(values.expires)) throw new UsageError(`--expires "${values.expires}" is not like 12h`);
  const role = values['platform-admin'] ? 'platform-admin' : values.admin ? 'admin' : 'user';
  return {
    help: false,
    claims: { tenantId: values.tenant, userId: values.user, role, expiresIn: values.expires },
    keyFile: values.keys,
  };
};

const isUsageError = (error: unknown): boolean =>
  error instanceof UsageError || Boolean((error as { code?: string } | undefined)?.code?.startsWith('ERR_PARSE_ARGS'));

/** `npm run token -- ...` (see USAGE): prints a token, with claim and group names from the environment's config. */
const main = async (argv: readonly string[]): Promise<number> => {
  try {
    const command = parse(argv);
    if (command.help) {
      console.log(USAGE);
      return 0;
    }
    const names = devTokenNames(parseEnv(configSchema, process.env));
    console.log(await mintDevToken(await loadDevKeys(command.keyFile), { ...names, ...command.claims }));
    return 0;
  } catch (error) {
    if (isUsageError(error)) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
};

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
