import type { MetricPoint, MetricSeriesQuery } from './model';

/**
 * Reads a tenant's daily metric history (the port the insights, analyses and assistant read trends through). The
 * points come oldest first, one per day at most; a day without a value is absent, never zero.
 */
export interface MetricHistoryReader {
  series(tenantId: string, query: MetricSeriesQuery): Promise<readonly MetricPoint[]>;
}
