import { parseArgs } from 'node:util';
import { configSchema, parseEnv } from '../functions/shared/config';
import { devTokenNames, loadDevKeys, mintDevToken } from './dev-jwt';

/** `npm run token -- --tenant T [--user U] [--admin] [--expires 12h]`: prints a token the dev server accepts. */
const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      user: { type: 'string', default: 'dev-user' },
      admin: { type: 'boolean', default: false },
      expires: { type: 'string', default: '12h' },
    },
  });
  if (!values.tenant) {
    console.error('usage: npm run token -- --tenant <tenantId> [--user <userId>] [--admin] [--expires 12h]');
    process.exit(2);
  }
  const token = await mintDevToken(await loadDevKeys(), {
    tenantId: values.tenant,
    userId: values.user,
    ...(values.admin ? { role: 'admin' as const } : {}),
    expiresIn: values.expires,
    ...devTokenNames(parseEnv(configSchema, process.env)),
  });
  console.log(token);
};

void main();
