import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, type MetricUnit } from '@aws-lambda-powertools/metrics';

/** The process-wide structured logger (JSON lines; tenantId and correlationId are added per request). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'coaching-service' });

/** The process-wide EMF metrics emitter; flushed after every invocation by the HTTP stack. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CoachingService',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'coaching-service',
});

/** One of Powertools' metric units. */
export type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

/** The slice of Powertools Metrics the services use, so unit tests can pass a small fake. */
export interface MetricsRecorder {
  addMetric(name: string, unit: Parameters<Metrics['addMetric']>[1], value: number): unknown;
}

/** The slice of the Powertools Logger the services use. */
export type LogSink = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
