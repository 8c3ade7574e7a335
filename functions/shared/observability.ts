import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, type MetricUnit } from '@aws-lambda-powertools/metrics';

/** The process-wide structured logger (JSON lines; tenantId and correlationId are added per request). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'coaching-service' });

/** The process-wide EMF metrics emitter; flushed after every invocation by the HTTP stack. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CoachingService',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'coaching-service',
});

/**
 * Publishes the stored metrics as EMF when there are any. (Powertools' logMetrics middleware warns on every invocation
 * that added none, which is most reads.) The HTTP stack calls it after every request.
 */
export const publishStoredMetrics = (): void => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};

/**
 * A queue worker's handler that publishes the metrics its invocation stored, however it ends: without it they would
 * wait in the buffer until a hundred had gathered, or be lost when Lambda recycles the process.
 */
export const publishingMetrics =
  <A extends unknown[], R>(handler: (...args: A) => Promise<R>): ((...args: A) => Promise<R>) =>
  async (...args) => {
    try {
      return await handler(...args);
    } finally {
      publishStoredMetrics();
    }
  };

/** One of Powertools' metric units. */
export type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

/** The slice of Powertools Metrics the services use, so unit tests can pass a small fake. */
export interface MetricsRecorder {
  addMetric(name: string, unit: Parameters<Metrics['addMetric']>[1], value: number): unknown;
}

/** The slice of the Powertools Logger the services use. */
export type LogSink = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
