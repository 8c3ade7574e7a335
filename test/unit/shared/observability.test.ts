import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics, publishingMetrics } from '../../../functions/shared/observability';

describe('publishingMetrics', () => {
  let published: jest.SpyInstance;

  beforeEach(() => {
    published = jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      metrics.clearMetrics();
      return metrics;
    });
  });

  afterEach(() => {
    published.mockRestore();
    metrics.clearMetrics();
  });

  it('publishes the metrics a worker invocation stored when it returns', async () => {
    const handler = publishingMetrics(async (outcome: string) => {
      metrics.addMetric(`InsightJobOutcome_${outcome}`, MetricUnit.Count, 1);
      return outcome;
    });

    await expect(handler('failed')).resolves.toBe('failed');

    expect(published).toHaveBeenCalledTimes(1);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('publishes them when the invocation throws, and passes the error on', async () => {
    const handler = publishingMetrics(async () => {
      metrics.addMetric('InsightJobOutcome_done', MetricUnit.Count, 1);
      throw new Error('queue unreachable');
    });

    await expect(handler()).rejects.toThrow('queue unreachable');

    expect(published).toHaveBeenCalledTimes(1);
  });

  it('publishes nothing for an invocation that stored no metric', async () => {
    await publishingMetrics(async () => 'done')();

    expect(published).not.toHaveBeenCalled();
  });
});
