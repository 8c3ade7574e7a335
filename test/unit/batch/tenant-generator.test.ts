import '../../support/lambda-env';
import { tenantGenerator } from '../../../functions/batch/tenant-generator';
import { logger } from '../../../functions/shared/observability';
import { Tracer } from '../../support/fake-tracer';

jest.mock('@aws-lambda-powertools/tracer', () => jest.requireActual('../../support/fake-tracer'));
const generateForBatch = jest.fn();
jest.mock('../../../functions/insights/wiring', () => ({ insightsService: () => ({ generateForBatch }) }));

/** The nightly worker's generation in Lambda: each tenant's is traced with its tenant and correlation id. */
it("traces a tenant's generation as `## Batch tenant`, with the tenant and the run's correlation id", async () => {
  generateForBatch.mockResolvedValueOnce({ outcome: 'generated', tokens: 10, costMicros: 5 });
  const message = {
    runId: 'run-1',
    tenantId: 'northwind-saas',
    day: '2026-11-21',
    attempt: 0,
    enqueuedAt: '2026-11-21T03:00:00.000Z',
  };

  const result = await tenantGenerator()(message, 'service-token', logger, Date.now() + 60_000);

  expect(result.outcome).toBe('generated');
  expect(Tracer.instances[0]?.lambdaSegment.find('## Batch tenant')).toMatchObject({
    annotations: { tenantId: 'northwind-saas', correlationId: 'run-1:northwind-saas' },
    closed: true,
  });
});
