import './cli-env';
import { ensureConsoleBuilt } from './console-host';
import { DEV_ENDPOINTS_FILE } from './dev-endpoints';
import { DEMO_USER, seedDemoActivity } from './demo-activity';
import { seedDemoMetrics } from './demo-metrics';
import { startLocalStack } from './stack';

const DEMO_TENANTS = ['acme-plumbing', 'brightside-dental', 'northwind-saas'];

/** The demo tenants' metric histories, in the local stack's history table. */
const seedDemoHistory = async (): Promise<number> => {
  const [{ metricHistory }, { config }] = await Promise.all([
    import('../functions/shared/adapters'),
    import('../functions/shared/config'),
  ]);
  return seedDemoMetrics(metricHistory(), DEMO_TENANTS, config().METRIC_HISTORY_RETENTION_DAYS);
};

/** `npm start`: the API on http://localhost:3000 with embedded defaults, a dev token and example requests. */
const main = async (): Promise<void> => {
  const port = Number(process.env.PORT ?? 3000);
  if (process.env.CONSOLE !== 'off') ensureConsoleBuilt();
  const stack = await startLocalStack({
    port,
    endpointsFile: DEV_ENDPOINTS_FILE,
    console: process.env.CONSOLE !== 'off',
  });
  const base = stack.url.replace('127.0.0.1', 'localhost');
  const seeded = stack.demoApi !== undefined && stack.dynamoEmbedded;
  const activities = seeded ? await seedDemoActivity(DEMO_TENANTS) : 0;
  const metricDays = seeded ? await seedDemoHistory() : 0;
  const token = await stack.mintToken({ tenantId: DEMO_TENANTS[0] as string, userId: DEMO_USER });
  console.log(`
Coaching API on ${base}
  Console       ${base}/ (sign in as a demo user; CONSOLE=off skips it)
  DynamoDB      ${stack.dynamoEndpoint}${stack.dynamoEmbedded ? ' (embedded dynalite, in memory)' : ''}
  Prompts       ${stack.promptBucket ? `${stack.promptBucket.endpoint}/${stack.promptBucket.bucket} (embedded S3, seeded from prompts/; admin: npm run prompts -- list)` : `s3://${stack.env.PROMPTS_BUCKET}`}
  Business API  ${stack.demoApi ? `${stack.demoApi.url} (demo; tenants: ${DEMO_TENANTS.join(', ')})` : stack.env.ACCOUNT_API_URL}
  LLM           ${stack.env.LLM_PROVIDER ?? 'rules'}${(stack.env.LLM_PROVIDER ?? 'rules') === 'rules' ? ' (insights from the rules, conversations with the offline coach; LLM_PROVIDER=bedrock for a model)' : ''}
  Metrics       ${metricDays > 0 ? `${metricDays / DEMO_TENANTS.length} days of metric history per demo tenant (GET /metrics/trends)` : 'no demo history (external DynamoDB or business APIs)'}
  Nudges        ${activities > 0 ? `${activities} demo activities over 90 days for ${DEMO_USER} of each demo tenant` : 'no demo activity (external DynamoDB or business APIs)'}

Try (a dev token for tenant ${DEMO_TENANTS[0]}, valid 12 h; more with: npm run token -- --tenant <id> [--admin | --platform-admin]):
  export TOKEN=${token}
  curl ${base}/health
  curl -H "Authorization: Bearer $TOKEN" ${base}/insights
  curl -H "Authorization: Bearer $TOKEN" "${base}/insights?priority=high&page_size=5"
  curl -H "Authorization: Bearer $TOKEN" ${base}/insights/summary
  curl -X POST -H "Authorization: Bearer $TOKEN" ${base}/insights/<id>/dismiss
  curl -H "Authorization: Bearer $TOKEN" ${base}/metrics/trends
  curl -H "Authorization: Bearer $TOKEN" "${base}/metrics/history?metric=overallScore"
  curl -H "Authorization: Bearer $TOKEN" ${base}/usage
  curl -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"topic":"core_values"}' ${base}/conversations
  curl -H "Authorization: Bearer $TOKEN" ${base}/coach/nudges
  curl -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' ${base}/coach/activity \\
    -d '{"action":"issue_created","entityType":"issue","entityId":"i-1","metadata":{"priority":"critical","title":"Van broke down"}}'

Ctrl-C stops it.`);
  const stop = (): void => {
    void stack.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
