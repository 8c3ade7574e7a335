import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsRecorder } from '../observability';
import { NO_TRACING, type Tracing } from '../tracing';
import { sourceNames, type BusinessSnapshot, type DataGap, type SourceName } from './model';
import { parseSource, type SourceValues } from './parse';
import type { BusinessData, BusinessDataRequest } from './port';

/** Which .NET service serves each source, and its path under that service's base URL. */
export const sourceEndpoints: {
  readonly [N in SourceName]: { readonly service: 'account' | 'traction'; readonly path: string };
} = {
  foundation: { service: 'account', path: '/business/foundation' },
  goals: { service: 'traction', path: '/goals' },
  goalStats: { service: 'traction', path: '/goals/stats' },
  performance: { service: 'traction', path: '/performance/score' },
  actions: { service: 'traction', path: '/api/operations/actions' },
  issues: { service: 'traction', path: '/api/operations/issues' },
};

/** Where the .NET APIs are and how to call them; a missing base URL turns its sources into gaps. */
export interface HttpBusinessDataOptions {
  readonly accountApiUrl?: string;
  readonly tractionApiUrl?: string;
  /** Per attempt: a source that times out is retried once, so it can take up to twice this. */
  readonly timeoutMs: number;
  /** The header that carries the tenant id (e.g. `X-Tenant-Id`). */
  readonly tenantHeader: string;
  readonly metrics?: MetricsRecorder;
  /** Where each source's read is a span (`BusinessApi <source>`); none by default. */
  readonly tracing?: Tracing;
}

type SourceResult<N extends SourceName> =
  | { readonly ok: true; readonly value: SourceValues[N]; readonly dropped: readonly string[] }
  | { readonly ok: false; readonly gap: DataGap; readonly detail?: string };

/** 5xx, timeouts and network errors may be transient; 4xx and unusable bodies will not change on a retry. */
const isRetryable = ({ reason, status }: DataGap): boolean =>
  reason === 'timeout' || reason === 'network_error' || (reason === 'http_error' && (status ?? 0) >= 500);

const errorMessage = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/** A 2xx body: JSON, then the source's tolerant schema. */
const parseBody = <N extends SourceName>(name: N, text: string): SourceResult<N> => {
  const invalid = (detail: string): SourceResult<N> => ({
    ok: false,
    gap: { source: name, reason: 'invalid_response' },
    detail,
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return invalid(errorMessage(error));
  }
  const parsed = parseSource(name, body);
  return parsed.success ? { ok: true, value: parsed.value, dropped: parsed.dropped } : invalid(parsed.error);
};

/** Reads business data from the .NET Account and Traction APIs over HTTP with the global `fetch`. */
export class HttpBusinessData implements BusinessData {
  constructor(private readonly options: HttpBusinessDataOptions) {}

  /** Fetches the sources in parallel, each with its own timeout and one retry on 5xx, timeout or network error. */
  async snapshot(
    request: BusinessDataRequest,
    sources: readonly SourceName[] = sourceNames,
  ): Promise<BusinessSnapshot> {
    const fetchedAt = new Date().toISOString();
    const values: { -readonly [N in SourceName]?: SourceValues[N] } = {};
    const gaps: DataGap[] = [];
    const dropped: Partial<Record<SourceName, number>> = {};
    const record = <N extends SourceName>(name: N, result: SourceResult<N>): void => {
      if (!result.ok) {
        gaps.push(result.gap);
        return;
      }
      values[name] = result.value;
      if (result.dropped.length > 0) dropped[name] = result.dropped.length;
    };
    const results = await Promise.all(
      [...new Set(sources)].map(async (name) => [name, await this.source(name, request)] as const),
    );
    results.forEach(([name, result]) => record(name, result));
    return { tenantId: request.tenantId, fetchedAt, ...values, gaps, dropped };
  }

  /**
   * Reads one source in its trace span (annotated with the source, its outcome, status and attempts; a failure other
   * than the service's 404 marks it failed), then logs and measures the outcome.
   */
  private async source<N extends SourceName>(name: N, request: BusinessDataRequest): Promise<SourceResult<N>> {
    const started = performance.now();
    const { result, attempts } = await (this.options.tracing ?? NO_TRACING).span(
      `BusinessApi ${name}`,
      async (span) => {
        const read = await this.read(name, request);
        span.annotate('source', name);
        span.annotate('attempts', read.attempts);
        span.annotate('outcome', read.result.ok ? 'ok' : read.result.gap.reason);
        if (!read.result.ok && read.result.gap.status !== undefined) span.annotate('status', read.result.gap.status);
        if (!read.result.ok && read.result.gap.reason !== 'not_found') span.fail();
        return read;
      },
    );
    const latencyMs = Math.round(performance.now() - started);
    this.options.metrics?.addMetric(`BusinessApi.${name}.Latency`, MetricUnit.Milliseconds, latencyMs);
    if (!result.ok) {
      const {
        gap: { reason, status },
        detail,
      } = result;
      this.options.metrics?.addMetric(`BusinessApi.${name}.Failure`, MetricUnit.Count, 1);
      request.log.warn('Business API source failed', { source: name, reason, status, latencyMs, attempts, detail });
    } else if (result.dropped.length > 0) {
      this.options.metrics?.addMetric(`BusinessApi.${name}.Dropped`, MetricUnit.Count, result.dropped.length);
      request.log.warn('Business API source had values of the wrong type', { source: name, dropped: result.dropped });
    }
    return result;
  }

  private async read<N extends SourceName>(
    name: N,
    request: BusinessDataRequest,
  ): Promise<{ result: SourceResult<N>; attempts: number }> {
    const { service, path } = sourceEndpoints[name];
    const baseUrl = service === 'account' ? this.options.accountApiUrl : this.options.tractionApiUrl;
    if (!baseUrl) {
      const detail = `no ${service} API URL configured`;
      return { result: { ok: false, gap: { source: name, reason: 'network_error' }, detail }, attempts: 0 };
    }
    const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
    const headers = {
      accept: 'application/json',
      authorization: `Bearer ${request.bearerToken}`,
      [this.options.tenantHeader]: request.tenantId,
      'x-correlation-id': request.correlationId,
    };
    const first = await this.fetchOnce(name, url, headers);
    if (first.ok || !isRetryable(first.gap)) return { result: first, attempts: 1 };
    const { reason, status } = first.gap;
    request.log.info('Retrying business API source', { source: name, reason, status });
    return { result: await this.fetchOnce(name, url, headers), attempts: 2 };
  }

  /** One GET; the timeout covers reading the body too. */
  private async fetchOnce<N extends SourceName>(
    name: N,
    url: string,
    headers: Record<string, string>,
  ): Promise<SourceResult<N>> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let text: string;
    try {
      const response = await fetch(url, { headers, signal });
      if (!response.ok) {
        await response.body?.cancel();
        // A 404 is an answer (the service has no records for this tenant), not a failure.
        const reason = response.status === 404 ? 'not_found' : 'http_error';
        return { ok: false, gap: { source: name, reason, status: response.status } };
      }
      text = await response.text();
    } catch (error) {
      const reason = signal.aborted ? 'timeout' : 'network_error';
      return { ok: false, gap: { source: name, reason }, detail: errorMessage(error) };
    }
    return parseBody(name, text);
  }
}
