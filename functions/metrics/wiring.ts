import { metricHistory } from '../shared/adapters';
import { config } from '../shared/config';
import { once } from '../shared/once';
import { MetricsService } from './service';

/** The metric history's use cases with their production adapters, built once per process. */
export const metricsService = /* @__PURE__ */ once(
  (): MetricsService =>
    new MetricsService({
      history: metricHistory(),
      retentionDays: config().METRIC_HISTORY_RETENTION_DAYS,
      clock: () => new Date(),
      timeZone: config().INSIGHTS_TIME_ZONE,
    }),
);
