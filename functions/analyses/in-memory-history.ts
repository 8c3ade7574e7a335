import type { MetricHistoryReader } from '../shared/metrics/history';
import type { MetricPoint, MetricSeriesQuery } from '../shared/metrics/model';
import { seriesKey } from '../shared/metrics/model';

/**
 * An in-memory MetricHistoryReader for tests and local wiring until the real metric history adapter is merged
 * (the lead replaces it at merge). Points are kept per tenant and series, returned oldest first within the window.
 */
export class InMemoryMetricHistory implements MetricHistoryReader {
  private readonly points = new Map<string, MetricPoint[]>();

  /** Adds points to a tenant's series. */
  put(tenantId: string, metric: MetricSeriesQuery['metric'], points: readonly MetricPoint[], entityId?: string): void {
    const key = `${tenantId}|${seriesKey(metric, entityId)}`;
    this.points.set(key, [...(this.points.get(key) ?? []), ...points]);
  }

  async series(tenantId: string, query: MetricSeriesQuery): Promise<readonly MetricPoint[]> {
    const all = this.points.get(`${tenantId}|${seriesKey(query.metric, query.entityId)}`) ?? [];
    return all
      .filter((point) => point.date >= query.from && point.date <= query.to)
      .sort((a, b) => a.date.localeCompare(b.date));
  }
}
