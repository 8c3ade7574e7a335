import { seedVersion } from '../../support/prompt-fakes';
import { startTestApiWithModel, type TestApi } from '../../support/local-api';

/** A local runtime whose registry has v1.2 in production, while the bundled copy is still v1.1. */
export interface OutageSetup {
  readonly api: TestApi;
  /** The prompt version a freshly regenerated insight set for the tenant is made with. */
  versionServedTo(tenantId: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the runtime (fake Bedrock, 1 s prompt TTL) and publishes v1.2 to production through the admin API. */
export const startWithNewerProduction = async (): Promise<OutageSetup> => {
  const api = await startTestApiWithModel({ PROMPT_CACHE_TTL_SECONDS: '1', INSIGHTS_REFRESH_COOLDOWN_SECONDS: '0' });
  const published = await api.call('POST', '/admin/prompts/insights_generation/versions?label=production', {
    token: await api.token('platform', 'admin-1', 'platform-admin'),
    body: JSON.stringify(seedVersion('v1.2')),
  });
  if (published.status !== 201) throw new Error(`publishing v1.2 failed: ${published.text}`);
  return {
    api,
    versionServedTo: async (tenantId) => {
      const response = await api.refreshedInsights(await api.token(tenantId));
      return response.json.provenance.promptVersion;
    },
    close: () => api.close(),
  };
};
