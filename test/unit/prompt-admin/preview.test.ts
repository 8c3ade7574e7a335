import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import { PromptPreview } from '../../../functions/prompt-admin/preview';
import { StaticTokenProvider } from '../../../functions/shared/business-api/service-token';
import { UnprocessableError } from '../../../functions/shared/errors';
import { FixedBusinessData } from '../../support/fakes';
import { testInvocation } from '../../support/invocation';
import { seedTemplate } from '../../support/prompt-fakes';

const NOW = new Date('2026-11-21T09:00:00.000Z');

const snapshot = (tenantId: string): BusinessSnapshot => ({
  tenantId,
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  foundation: { businessName: 'Harbor Plumbing' },
});

const ADMIN_TOKEN = 'platform-admin-bearer-token';
const SERVICE_TOKEN = 'service-client-credentials-token';

const setup = () => {
  const businessData = new FixedBusinessData(snapshot);
  const serviceTokens = new StaticTokenProvider(SERVICE_TOKEN);
  const preview = new PromptPreview({ businessData, serviceTokens, clock: () => NOW });
  const { invocation } = testInvocation({
    tenantId: 'platform',
    userId: 'admin-1',
    isPlatformAdmin: true,
    isService: false,
    bearerToken: ADMIN_TOKEN,
  });
  return { businessData, preview, invocation };
};

describe('PromptPreview.run', () => {
  it('refuses a topic it cannot render yet, naming the topics it can, before reading any data', async () => {
    const { preview, invocation, businessData } = setup();
    const template = { ...seedTemplate(), topic: 'core_values' };

    const run = preview.run(invocation, template, { tenantId: 'acme-plumbing', invoke: false });

    await expect(run).rejects.toBeInstanceOf(UnprocessableError);
    await expect(run).rejects.toMatchObject({
      problems: [{ field: 'topic', message: 'previewable topics: insights_generation' }],
    });
    expect(businessData.calls).toBe(0);
  });

  it('refuses to invoke the model where none is configured (503 model_not_configured), before reading any data', async () => {
    const { preview, invocation, businessData } = setup();

    const run = preview.run(invocation, seedTemplate(), { tenantId: 'acme-plumbing', invoke: true });

    await expect(run).rejects.toMatchObject({
      statusCode: 503,
      code: 'model_not_configured',
      message: expect.stringContaining('set LLM_PROVIDER=bedrock'),
    });
    expect(businessData.calls).toBe(0);
  });

  it("renders the template with the named tenant's data without a model where it is switched off", async () => {
    const { preview, invocation } = setup();

    const result = await preview.run(invocation, seedTemplate(), { tenantId: 'acme-plumbing', invoke: false });

    expect(result).toMatchObject({ topic: 'insights_generation', version: 'v1.0', tenantId: 'acme-plumbing' });
    expect(result.rendered.user).toContain('Harbor Plumbing');
    expect(result.output).toBeUndefined();
    expect(result.tokenEstimate.total).toBe(result.tokenEstimate.system + result.tokenEstimate.user);
  });

  it("reads another tenant's data with the service's own token, never with the admin's", async () => {
    const { preview, invocation, businessData } = setup();

    await preview.run(invocation, seedTemplate(), { tenantId: 'acme-plumbing', invoke: false });

    expect(businessData.requests).toEqual([
      expect.objectContaining({ tenantId: 'acme-plumbing', bearerToken: SERVICE_TOKEN }),
    ]);
  });

  it("reads the admin's own tenant on their behalf, with their token", async () => {
    const { preview, invocation, businessData } = setup();

    await preview.run(invocation, seedTemplate(), { tenantId: 'platform', invoke: false });

    expect(businessData.requests).toEqual([
      expect.objectContaining({ tenantId: 'platform', bearerToken: ADMIN_TOKEN }),
    ]);
  });

  it("previews the caller's own tenant when the request names none", async () => {
    const { preview, invocation } = setup();

    const result = await preview.run(invocation, seedTemplate(), { invoke: false });

    expect(result.tenantId).toBe('platform');
    expect(result.rendered.user).toContain('Harbor Plumbing');
  });
});
