import { parseArgs } from 'node:util';
import { loadDevKeys, mintDevToken } from './dev-jwt';

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
    admin: values.admin,
    expiresIn: values.expires,
    tenantClaim: process.env.JWT_TENANT_CLAIM,
    groupsClaim: process.env.JWT_GROUPS_CLAIM,
  });
  console.log(token);
};

void main();
