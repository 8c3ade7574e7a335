import { startWithNewerProduction, type OutageSetup } from './outage-setup';

let setup: OutageSetup;

beforeAll(async () => {
  setup = await startWithNewerProduction();
});

afterAll(async () => {
  await setup.close();
});

describe('when the prompts bucket goes down after the template was loaded', () => {
  it('keeps serving the last good copy past the TTL', async () => {
    const beforeOutage = await setup.versionServedTo('acme-plumbing');

    await setup.api.stack.promptBucket?.close();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const duringOutage = [await setup.versionServedTo('acme-plumbing'), await setup.versionServedTo('northwind-saas')];

    expect(beforeOutage).toBe('v1.2');
    expect(duringOutage).toEqual(['v1.2', 'v1.2']);
  });
});
