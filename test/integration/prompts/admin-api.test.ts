import { PutObjectCommand } from '@aws-sdk/client-s3';
import { routes } from '../../../functions/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { createS3Client } from '../../../functions/shared/prompts/s3-template-content';
import type { FakeBedrock } from '../../../local/fake-bedrock';
import { seedTemplate, seedVersion } from '../../support/prompt-fakes';
import { startTestApiWithModel, type ApiResponse, type ModelTestApi } from '../../support/local-api';

const TOPIC = 'insights_generation';
const TENANT = 'acme-plumbing';
let api: ModelTestApi;
let bedrock: FakeBedrock;
let admin: string;
let user: string;

beforeAll(async () => {
  api = await startTestApiWithModel({ PROMPT_CACHE_TTL_SECONDS: '1', INSIGHTS_REFRESH_COOLDOWN_SECONDS: '0' });
  bedrock = api.bedrock;
  admin = await api.token('platform', 'admin-1', 'platform-admin');
  user = await api.token(TENANT);
});

afterAll(async () => {
  await api.close();
});

const publish = (body: unknown, query = ''): Promise<ApiResponse> =>
  api.call('POST', `/admin/prompts/${TOPIC}/versions${query}`, { token: admin, body: JSON.stringify(body) });

const moveLabel = (label: string, version: string): Promise<ApiResponse> =>
  api.call('POST', `/admin/prompts/${TOPIC}/labels/${label}`, { token: admin, body: JSON.stringify({ version }) });

/** The prompt version the next regenerated insight set is made with. */
const versionServed = async (): Promise<string> => {
  const response = await api.refreshedInsights(user);
  return response.json.provenance.promptVersion;
};

describe('the seeded registry', () => {
  it('lists the seed topic with production on v1.1, indexed from the bucket', async () => {
    const response = await api.call('GET', '/admin/prompts', { token: admin });

    expect(response.status).toBe(200);
    expect(response.json.topics).toContainEqual(
      expect.objectContaining({ topic: TOPIC, labels: { production: 'v1.1' }, latestVersion: 'v1.1' }),
    );
  });
});

describe('publish, label, serve', () => {
  it('serves a newly published version within the TTL once production points at it, and rolls back', async () => {
    expect(await versionServed()).toBe('v1.1');

    const published = await publish(seedVersion('v1.2'), '?label=staging');
    const moved = await moveLabel('production', 'v1.2');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const servedAfterTtl = [await versionServed(), await versionServed()];
    const rolledBack = await api.call('POST', `/admin/prompts/${TOPIC}/rollback`, { token: admin });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const servedAfterRollback = [await versionServed(), await versionServed()];

    expect(published.status).toBe(201);
    expect(published.json.label).toMatchObject({ label: 'staging', version: 'v1.2' });
    expect(moved.json.label).toMatchObject({ label: 'production', version: 'v1.2', movedBy: 'admin-1' });
    expect(servedAfterTtl.at(-1)).toBe('v1.2');
    expect(rolledBack.json.label.version).toBe('v1.1');
    expect(servedAfterRollback.at(-1)).toBe('v1.1');
  });

  it('answers 200 for the same content again and 409 for a changed body under a published version', async () => {
    await publish(seedVersion('v1.3'));

    const same = await publish(seedVersion('v1.3'));
    const changed = await publish(seedVersion('v1.3', { system_prompt: 'A different body.' }));

    expect(same.status).toBe(200);
    expect(same.json.created).toBe(false);
    expect(changed.status).toBe(409);
    expect(changed.json.error.code).toBe('conflict');
  });

  it('stamps created_at (now) and created_by (the caller) on a template that states neither', async () => {
    const { created_at: _at, created_by: _by, ...unstamped } = seedVersion('v1.5');
    const before = Date.now();

    const published = await publish(unstamped);
    const detail = await api.call('GET', `/admin/prompts/${TOPIC}/versions/v1.5`, { token: admin });

    expect(published.status).toBe(201);
    expect(detail.json.template.created_by).toBe('admin-1');
    expect(Date.parse(detail.json.template.created_at)).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('answers 422 with every validation problem', async () => {
    const response = await publish({ ...seedVersion('v1.4'), variables: ['today'], model: { temperature: 3 } });

    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('invalid_template');
    expect(response.json.error.details.problems.map((problem: { field: string }) => problem.field)).toEqual(
      expect.arrayContaining(['model.temperature', 'variables']),
    );
    expect(response.json.error.details.problems.length).toBeGreaterThan(5);
  });

  it('answers 422 for a template none of whose models can force its tool (Llama, then Mistral)', async () => {
    const model = { id: 'us.meta.llama3-3-70b-instruct-v1:0', fallbacks: ['mistral.mistral-large-2407-v1:0'] };

    const response = await publish({ ...seedVersion('v1.4'), model });

    expect(response.status).toBe(422);
    expect(response.json.error.details.problems).toEqual([
      {
        field: 'model',
        message: expect.stringMatching(/^has no model that can serve its calls .*llama.* lacks forcedToolChoice/),
      },
    ]);
  });

  it('shows one version with its template, and a readable diff of two', async () => {
    const detail = await api.call('GET', `/admin/prompts/${TOPIC}/versions/v1.3`, { token: admin });
    const byLabel = await api.call('GET', `/admin/prompts/${TOPIC}/versions/production`, { token: admin });
    const diff = await api.call('GET', `/admin/prompts/${TOPIC}/diff?from=v1.1&to=v1.3`, { token: admin });

    expect(detail.json.record).toMatchObject({ version: 'v1.3', status: 'valid' });
    expect(detail.json.template.system_prompt).toContain('(v1.3)');
    expect(byLabel.json.record.version).toBe('v1.1');
    expect(diff.json.changedFields).toContain('system_prompt');
    expect(diff.json.unified).toContain('+  "version": "v1.3"');
  });

  it('diffs label names like versions, as GET .../versions/{version} takes them', async () => {
    const diff = await api.call('GET', `/admin/prompts/${TOPIC}/diff?from=production&to=v1.3`, { token: admin });

    expect(diff.status).toBe(200);
    expect(diff.json).toMatchObject({ from: 'v1.1', to: 'v1.3' });
    expect(diff.json.changedFields).toContain('system_prompt');
  });
});

describe('files dropped straight into the bucket', () => {
  it('indexes an invalid file as invalid with its reasons and never serves it, even marked is_active', async () => {
    const client = createS3Client({ S3_ENDPOINT: api.stack.env.S3_ENDPOINT, AWS_REGION: 'us-east-1' });
    const broken = { ...seedVersion('v5.0'), is_active: true, user_prompt_template: 'Only {{undeclared}} here' };
    await client.send(
      new PutObjectCommand({ Bucket: api.stack.env.PROMPTS_BUCKET, Key: `${TOPIC}/v5.0.json`, Body: JSON.stringify(broken) }),
    );
    client.destroy();
    await api.stack.promptBucket?.settled();

    const versions = await api.call('GET', `/admin/prompts/${TOPIC}/versions`, { token: admin });
    const labelMove = await moveLabel('production', 'v5.0');

    const record = versions.json.versions.find((version: { version: string }) => version.version === 'v5.0');
    expect(record.status).toBe('invalid');
    expect(record.problems.map((problem: { message: string }) => problem.message)).toContain('{{undeclared}} is used but not declared');
    expect(versions.json.labels.find((label: { label: string }) => label.label === 'production').version).not.toBe('v5.0');
    expect(labelMove.status).toBe(422);
    expect(await versionServed()).not.toBe('v5.0');
  });
  it('ignores files that are not template versions, such as notes and backups', async () => {
    const before = await api.call('GET', `/admin/prompts/${TOPIC}/versions`, { token: admin });
    const client = createS3Client({ S3_ENDPOINT: api.stack.env.S3_ENDPOINT, AWS_REGION: 'us-east-1' });
    for (const Key of [`${TOPIC}/release notes.md`, `${TOPIC}/v5.1.json.bak`, 'v5.2.json']) {
      await client.send(
        new PutObjectCommand({ Bucket: api.stack.env.PROMPTS_BUCKET, Key, Body: JSON.stringify(seedVersion('v5.1')) }),
      );
    }
    client.destroy();
    await api.stack.promptBucket?.settled();

    const after = await api.call('GET', `/admin/prompts/${TOPIC}/versions`, { token: admin });

    expect(after.json.versions).toEqual(before.json.versions);
  });
});

describe('preview (dry-run)', () => {
  it("renders a version with a tenant's data and estimates tokens, without storing insights", async () => {
    const { settled: before } = await api.settledInsights(user);

    const response = await api.call('POST', `/admin/prompts/${TOPIC}/versions/v1.3/preview`, {
      token: admin,
      body: JSON.stringify({ tenantId: TENANT }),
    });
    const after = await api.call('GET', '/insights', { token: user });

    expect(response.status).toBe(200);
    expect(response.json.rendered.system).toContain('(v1.3)');
    expect(response.json.rendered.user).toContain('Acme Plumbing');
    expect(response.json.tokenEstimate.total).toBeGreaterThan(500);
    expect(response.json.output).toBeUndefined();
    expect(after.json.generatedAt).toBe(before.json.generatedAt);
  });

  it("invokes the model on request and returns its validated output", async () => {
    const calls = bedrock.callCount();

    const response = await api.call('POST', `/admin/prompts/${TOPIC}/versions/v1.3/preview`, {
      token: admin,
      body: JSON.stringify({ tenantId: TENANT, invoke: true }),
    });

    expect(bedrock.callCount()).toBe(calls + 1);
    expect(JSON.stringify(bedrock.requests.at(-1)?.body.system)).toContain('(v1.3)');
    expect(response.json.output.provenance).toMatchObject({ promptVersion: 'v1.3', outcome: 'ok' });
    expect(response.json.output.drafts.length).toBeGreaterThanOrEqual(5);
  });
  it("previews the caller's own tenant when the body names none", async () => {
    const ownTenantsAdmin = await api.token(TENANT, 'admin-2', 'platform-admin');

    const response = await api.call('POST', `/admin/prompts/${TOPIC}/versions/v1.3/preview`, {
      token: ownTenantsAdmin,
      body: '{}',
    });

    expect(response.status).toBe(200);
    expect(response.json.tenantId).toBe(TENANT);
    expect(response.json.rendered.user).toContain('Acme Plumbing');
  });

  it('refuses to preview a version that is not valid, with its problems', async () => {
    const response = await api.call('POST', `/admin/prompts/${TOPIC}/versions/v5.0/preview`, {
      token: admin,
      body: JSON.stringify({ tenantId: TENANT }),
    });

    expect(response.status).toBe(422);
    expect(response.json.error.details.problems).toContainEqual({
      field: 'variables',
      message: '{{undeclared}} is used but not declared',
    });
  });
});

const adminRoutes = (Object.entries(routes) as [string, RouteDefinition][]).filter(
  ([, route]) => route.tag === 'prompt-admin',
);
const examplePath = (route: RouteDefinition): string =>
  route.path.replace('{topic}', TOPIC).replace('{version}', 'v1.1').replace('{label}', 'staging');

describe('access', () => {
  it.each(adminRoutes)('%s answers 403 to a non-admin', async (_name, route) => {
    const response = await api.call(route.method, examplePath(route), {
      token: user,
      ...(route.method === 'POST' ? { body: '{}' } : {}),
    });

    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe('forbidden');
  });
});

describe('bad input on admin routes', () => {
  it.each([
    ['GET', '/admin/prompts/Bad-Topic/versions', undefined],
    ['GET', `/admin/prompts/${TOPIC}/versions/1.0`, undefined],
    ['GET', `/admin/prompts/${TOPIC}/versions/v9.9`, undefined],
    ['GET', '/admin/prompts/no_such_topic/versions', undefined],
    ['POST', `/admin/prompts/${TOPIC}/versions`, '[1, 2]'],
    ['POST', `/admin/prompts/${TOPIC}/versions`, 'not json'],
    ['POST', `/admin/prompts/${TOPIC}/versions?label=prod`, JSON.stringify(seedTemplate())],
    ['POST', `/admin/prompts/${TOPIC}/labels/canary`, JSON.stringify({ version: 'v1.1' })],
    ['POST', `/admin/prompts/${TOPIC}/labels/staging`, JSON.stringify({ version: 'latest' })],
    ['POST', `/admin/prompts/${TOPIC}/labels/staging`, JSON.stringify({ version: 'v1.1', extra: true })],
    ['POST', `/admin/prompts/${TOPIC}/labels/staging`, JSON.stringify({ version: 'v8.8' })],
    ['POST', '/admin/prompts/no_such_topic/rollback', undefined],
    ['POST', `/admin/prompts/${TOPIC}/versions/v1.1/preview`, JSON.stringify({ tenantId: TENANT, extra: true })],
    ['POST', `/admin/prompts/${TOPIC}/versions/v1.1/preview`, JSON.stringify({ tenantId: TENANT, invoke: 'yes' })],
    ['POST', `/admin/prompts/${TOPIC}/versions/v1.1/preview`, JSON.stringify({ tenantId: 'a b' })],
    ['GET', `/admin/prompts/${TOPIC}/diff?from=v1.1`, undefined],
    ['GET', `/admin/prompts/${TOPIC}/diff?from=v1.1&to=v7.7`, undefined],
  ])('%s %s %s is a 4xx with a JSON error', async (method, path, body) => {
    const response = await api.call(method, path, { token: admin, ...(body === undefined ? {} : { body }) });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(typeof response.json.error.code).toBe('string');
  });
});
