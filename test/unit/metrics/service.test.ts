import { MetricsService } from '../../../functions/metrics/service';
import { InMemoryMetricHistory } from '../../../functions/shared/metrics/store';
import { invocationFor } from '../../support/fakes';

/** 23:30 UTC on 1 December: already 2 December in Auckland (UTC+13). */
const NOW = new Date('2026-12-01T23:30:00Z');

const serviceIn = (timeZone: string): { service: MetricsService; history: InMemoryMetricHistory } => {
  const history = new InMemoryMetricHistory();
  return { history, service: new MetricsService({ history, retentionDays: 400, clock: () => NOW, timeZone }) };
};

const point = { date: '2026-12-02', metric: 'overallScore', value: 61 };

describe('MetricsService on the deployment calendar', () => {
  it("takes today's point where it is already today, and refuses it as the future where it is not", async () => {
    const auckland = serviceIn('Pacific/Auckland');
    const utc = serviceIn('UTC');

    await expect(
      auckland.service.importPoints(invocationFor('platform'), 'tenant-a', { points: [point] }),
    ).resolves.toEqual({ imported: 1, days: 1 });
    await expect(
      utc.service.importPoints(invocationFor('platform'), 'tenant-a', { points: [point] }),
    ).rejects.toMatchObject({ code: 'unprocessable', problems: [{ message: 'date 2026-12-02 is in the future' }] });
  });

  it("ends the history's default range on the local day", async () => {
    const { service } = serviceIn('Pacific/Auckland');

    const series = await service.history(invocationFor('tenant-a'), { metric: 'overallScore' });

    expect(series).toMatchObject({ to: '2026-12-02', from: '2026-09-03' });
  });
});
