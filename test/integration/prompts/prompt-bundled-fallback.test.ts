import { startWithNewerProduction, type OutageSetup } from './outage-setup';

let setup: OutageSetup;

beforeAll(async () => {
  setup = await startWithNewerProduction();
});

afterAll(async () => {
  await setup.close();
});

describe('when the prompts bucket goes down before any template was loaded', () => {
  it('serves the copy bundled with the function, not the newer published version', async () => {
    await setup.api.stack.promptBucket?.close();

    const served = [await setup.versionServedTo('acme-plumbing'), await setup.versionServedTo('northwind-saas')];

    expect(served).toEqual(['v1.1', 'v1.1']);
  });
});
