import type { Invocation } from './invocation';
import { config } from './config';
import { AppError } from './errors';
import { once, onceAsync } from './once';

/** A value X-Ray indexes as an annotation (searchable with a filter expression, e.g. `annotation.tenantId = "x"`). */
export type TraceAnnotationValue = string | number | boolean;

/** A piece of work in the trace (an X-Ray subsegment) while it runs. */
export interface TraceSpan {
  annotate(key: string, value: TraceAnnotationValue): void;
  /** Marks it failed without an error thrown (a call that answered with a failure, such as a .NET source's 5xx). */
  fail(): void;
}

/** The trace of one invocation (one request, job or record), until it is ended. */
export interface InvocationTrace {
  /** Closes the invocation's subsegment, with the error it failed with if any. */
  end(error?: unknown): void;
}

/**
 * Where the service records traces: X-Ray through Powertools Tracer in Lambda, nothing locally or in tests. The
 * transports (the HTTP pipeline, the streaming route, the queue workers) start an invocation's subsegment; the
 * adapters (Bedrock, the .NET APIs) run each call in a span under it.
 */
export interface Tracing {
  /**
   * Opens the invocation's subsegment `## <name>` under the function's segment, annotated with ColdStart, Service and
   * `annotations`, and makes it the current one (the SDK clients' subsegments go under it) until it is ended.
   */
  startInvocation(name: string, annotations: Readonly<Record<string, TraceAnnotationValue>>): Promise<InvocationTrace>;
  /** Runs `work` in a subsegment `name` of the current one, closed however it ends (an error is recorded on it). */
  span<T>(name: string, work: (span: TraceSpan) => Promise<T>): Promise<T>;
}

const NO_SPAN: TraceSpan = { annotate: () => undefined, fail: () => undefined };
const NO_INVOCATION_TRACE: InvocationTrace = { end: () => undefined };

/** Tracing that records nothing: where tracing is off, and the default of the adapters that take a Tracing. */
export const NO_TRACING: Tracing = {
  startInvocation: async () => NO_INVOCATION_TRACE,
  span: (_name, work) => work(NO_SPAN),
};

/** The slice of an X-Ray segment or subsegment the adapter uses. */
interface XraySegment {
  addNewSubsegment(name: string): XraySegment;
  addAnnotation(key: string, value: TraceAnnotationValue): void;
  addError(error: Error): void;
  addErrorFlag(): void;
  addFaultFlag(): void;
  close(): void;
}

/** The slice of Powertools' Tracer the adapter uses (unit tests pass a fake of it). */
export interface PowertoolsTracer {
  isTracingEnabled(): boolean;
  getSegment(): XraySegment | undefined;
  setSegment(segment: XraySegment): void;
  annotateColdStart(): void;
  addServiceNameAnnotation(): void;
  captureAWSv3Client<C>(client: C): C;
}

/** Records an error on a subsegment: a caller's error (an AppError under 500) as an error, anything else a fault. */
const recordError = (segment: XraySegment, error: unknown): void => {
  if (error instanceof AppError && error.statusCode < 500) segment.addErrorFlag();
  else segment.addError(error instanceof Error ? error : new Error(String(error)));
};

/**
 * Tracing on Powertools Tracer. Spans are opened under the current subsegment without becoming current themselves,
 * so spans running in parallel (the six .NET sources) each close under the invocation's. The invocation's subsegment
 * is the process-wide current one while it runs: one invocation at a time per Lambda process (the queue workers take
 * one message per invocation).
 */
export class PowertoolsTracing implements Tracing {
  constructor(private readonly tracer: PowertoolsTracer) {}

  async startInvocation(
    name: string,
    annotations: Readonly<Record<string, TraceAnnotationValue>>,
  ): Promise<InvocationTrace> {
    const parent = this.current();
    if (!parent) return NO_INVOCATION_TRACE;
    const segment = parent.addNewSubsegment(`## ${name}`);
    this.tracer.setSegment(segment);
    this.tracer.annotateColdStart();
    this.tracer.addServiceNameAnnotation();
    for (const [key, value] of Object.entries(annotations)) segment.addAnnotation(key, value);
    return {
      end: (error) => {
        if (error !== undefined) recordError(segment, error);
        segment.close();
        this.tracer.setSegment(parent);
      },
    };
  }

  async span<T>(name: string, work: (span: TraceSpan) => Promise<T>): Promise<T> {
    const segment = this.current()?.addNewSubsegment(name);
    if (!segment) return work(NO_SPAN);
    try {
      return await work({
        annotate: (key, value) => segment.addAnnotation(key, value),
        fail: () => segment.addFaultFlag(),
      });
    } catch (error) {
      recordError(segment, error);
      throw error;
    } finally {
      segment.close();
    }
  }

  /** Has X-Ray record each of an AWS SDK v3 client's calls as a subsegment of the current one. */
  captureClient<C>(client: C): C {
    return this.tracer.isTracingEnabled() ? this.tracer.captureAWSv3Client(client) : client;
  }

  private current(): XraySegment | undefined {
    return this.tracer.isTracingEnabled() ? this.tracer.getSegment() : undefined;
  }
}

/**
 * Whether this process traces: in Lambda (AWS_EXECUTION_ENV) unless POWERTOOLS_TRACE_ENABLED is false, where
 * Powertools would trace; everywhere else (the local runtime, tests, the bench) Powertools disables itself, so it is
 * not even loaded.
 */
const tracesHere = (): boolean => {
  const cfg = config();
  return cfg.AWS_EXECUTION_ENV !== undefined && cfg.POWERTOOLS_TRACE_ENABLED;
};

/** The AWS SDK clients made before the tracer was loaded: captured when it is. */
const uncaptured: unknown[] = [];
let loaded: PowertoolsTracing | undefined;

/**
 * Powertools Tracer, loaded with the first invocation, not at cold start: it brings the X-Ray SDK (~124 KB, ~25-30 ms
 * of CPU to load), which comes from the function's tracing layer (lib/tracing-layer.ts) rather than its bundle. It
 * does not patch `http`/`fetch` globally (captureHTTPsRequests): the .NET calls get a span per source instead, which
 * parallel requests cannot tangle. A tracer that cannot be loaded (no layer) turns tracing off, with a warning: the
 * requests go on untraced.
 */
const powertoolsTracing = /* @__PURE__ */ onceAsync(async (): Promise<Tracing> => {
  try {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    loaded = new PowertoolsTracing(
      new Tracer({ serviceName: config().POWERTOOLS_SERVICE_NAME, captureHTTPsRequests: false }),
    );
  } catch (error) {
    // Imported here: modules that only need NO_TRACING (the demo business API's) must not build the logger early.
    const { logger } = await import('./observability');
    logger.warn('Tracing is off: Powertools Tracer could not be loaded', { error: error as Error });
    return NO_TRACING;
  }
  for (const client of uncaptured.splice(0)) loaded.captureClient(client);
  return loaded;
});

/** The process's tracing: Powertools Tracer in Lambda (tracesHere), NO_TRACING elsewhere. */
export const tracing = /* @__PURE__ */ once((): Tracing =>
  tracesHere()
    ? {
        startInvocation: async (name, annotations) => (await powertoolsTracing()).startInvocation(name, annotations),
        span: async (name, work) => (await powertoolsTracing()).span(name, work),
      }
    : NO_TRACING,
);

/**
 * Traces an AWS SDK v3 client's calls (a subsegment each, under the invocation's) where the process traces: at once
 * when the tracer is loaded, else as soon as it is (clients are made at cold start, the tracer with the first
 * invocation). Returns the client.
 */
export const traceAwsClient = <C>(client: C): C => {
  if (!tracesHere()) return client;
  if (loaded) return loaded.captureClient(client);
  uncaptured.push(client);
  return client;
};

/** The annotations of an invocation's trace: its tenant and correlation id (X-Ray: `annotation.tenantId = "…"`). */
export const invocationAnnotations = (
  invocation: Pick<Invocation, 'caller' | 'correlationId'>,
): Record<string, TraceAnnotationValue> => ({
  tenantId: invocation.caller.tenantId,
  correlationId: invocation.correlationId,
});

/** Runs an invocation's work in its subsegment (Tracing.startInvocation), ended however the work ends. */
export const traceInvocation = async <T>(
  name: string,
  annotations: Readonly<Record<string, TraceAnnotationValue>>,
  work: () => Promise<T>,
): Promise<T> => {
  const trace = await tracing().startInvocation(name, annotations);
  try {
    const result = await work();
    trace.end();
    return result;
  } catch (error) {
    trace.end(error);
    throw error;
  }
};
