import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import type {
  ConverseCommandInput,
  ConverseStreamOutput,
  TokenUsage,
  ToolInputSchema,
} from '@aws-sdk/client-bedrock-runtime';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { LanguageModel, StructuredRequest, StructuredResponse } from './port';
import { ModelRequestError, ModelTimeoutError, ModelUnavailableError } from '../errors';
import { NO_TRACING, type Tracing } from '../tracing';

/** How to build the Bedrock runtime client; `endpoint` points it at the local fake Bedrock. */
export interface BedrockClientOptions {
  readonly region?: string;
  readonly endpoint?: string;
  /** Total attempts per call, retries included (BEDROCK_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** A fixed delay between attempts instead of the SDK's exponential backoff; for tests and local runs. */
  readonly retryDelayMs?: number;
  /**
   * The longest an attempt may wait for Bedrock's answer, and a stream may stay silent (BEDROCK_REQUEST_TIMEOUT_MS);
   * past it the attempt fails as a timeout (which the SDK retries, within the caller's deadline).
   */
  readonly requestTimeoutMs: number;
}

/** The longest a connection to Bedrock may take to open. */
const CONNECTION_TIMEOUT_MS = 3_000;

/**
 * Model calls one process may have in flight at once: the sockets of the client's pool. A call holds its socket for
 * its whole answer (seconds; a stream, minutes), so the SDK's default pool of 50 would make the 51st concurrent call
 * of a process wait for another's answer. A Lambda process runs one invocation at a time, but a process that serves
 * many users (the local runtime: every function in one process) has a call per user in flight.
 */
export const BEDROCK_MAX_SOCKETS = 2048;

/**
 * Builds the Bedrock runtime client; call it once per process, at module scope. Retries are the SDK's standard
 * strategy. It always speaks HTTP/1.1 through a handler with connection and request timeouts (the SDK's default
 * HTTP/2 handler has neither, so a hung model would hold a call until the function dies); the request timeout also
 * bounds the silence within a stream. Its pool has a socket for each of up to BEDROCK_MAX_SOCKETS calls at once. With
 * an endpoint override it signs with dummy credentials.
 */
export const createBedrockClient = (options: BedrockClientOptions): BedrockRuntimeClient =>
  new BedrockRuntimeClient({
    region: options.region,
    maxAttempts: options.maxAttempts,
    ...(options.retryDelayMs === undefined
      ? {}
      : { retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts, options.retryDelayMs) }),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, options.requestTimeoutMs),
      requestTimeout: options.requestTimeoutMs,
      // Without this the handler only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
      socketTimeout: options.requestTimeoutMs,
      httpAgent: { maxSockets: BEDROCK_MAX_SOCKETS },
      httpsAgent: { maxSockets: BEDROCK_MAX_SOCKETS },
    }),
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });

/** Errors worth a fallback: Bedrock is overloaded or failing, not the request. */
const UNAVAILABLE_ERRORS = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'InternalServerException',
  'ModelTimeoutException',
  'ModelStreamErrorException',
]);

const withoutSchemaKeyword = (schema: Record<string, unknown>): ToolInputSchema.JsonMember['json'] =>
  Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')) as ToolInputSchema.JsonMember['json'];

/** The input of both Converse and ConverseStream: system, messages, inference config and the forced tool. */
const toConverseInput = ({
  system,
  messages,
  tool,
  settings,
  cacheSystemPrompt,
}: StructuredRequest): ConverseCommandInput => ({
  modelId: settings.modelId,
  system: cacheSystemPrompt ? [{ text: system }, { cachePoint: { type: 'default' } }] : [{ text: system }],
  messages: messages.map((message) => ({ role: message.role, content: [{ text: message.text }] })),
  inferenceConfig: { temperature: settings.temperature, maxTokens: settings.maxTokens },
  toolConfig: {
    tools: [
      {
        toolSpec: {
          name: tool.name,
          description: tool.description,
          inputSchema: { json: withoutSchemaKeyword(tool.inputSchema) },
        },
      },
    ],
    toolChoice: { tool: { name: tool.name } },
  },
});

/** What either API returned, before the model id and latency are added. */
interface ModelAnswer {
  readonly toolInput?: unknown;
  readonly text: string;
  readonly stopReason?: string;
  readonly usage?: TokenUsage;
}

const toStructuredResponse = (answer: ModelAnswer, modelId: string, startedAt: number): StructuredResponse => ({
  ...(answer.toolInput === undefined ? {} : { toolInput: answer.toolInput }),
  text: answer.text,
  stopReason: answer.stopReason ?? 'unknown',
  usage: {
    inputTokens: answer.usage?.inputTokens ?? 0,
    outputTokens: answer.usage?.outputTokens ?? 0,
    cacheReadInputTokens: answer.usage?.cacheReadInputTokens ?? 0,
    cacheWriteInputTokens: answer.usage?.cacheWriteInputTokens ?? 0,
  },
  modelId,
  latencyMs: Math.round(performance.now() - startedAt),
});

/**
 * The tool input from its streamed JSON: parsed when complete, `{}` when empty, else the raw string (cut off by
 * max_tokens), which output repair reads as a stringified tool input.
 */
const parseToolInput = (json: string): unknown => {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
};

/** Reads a ConverseStream to its end, passing the first tool call's input fragments to `onDelta` as they come. */
const collectStream = async (
  events: AsyncIterable<ConverseStreamOutput>,
  onDelta: (text: string) => void,
): Promise<ModelAnswer> => {
  let toolBlock: number | undefined;
  let toolJson = '';
  let text = '';
  let stopReason: string | undefined;
  let usage: TokenUsage | undefined;
  for await (const event of events) {
    if (event.contentBlockStart?.start?.toolUse && toolBlock === undefined) {
      toolBlock = event.contentBlockStart.contentBlockIndex;
    } else if (event.contentBlockDelta) {
      const { delta, contentBlockIndex } = event.contentBlockDelta;
      const fragment = delta?.toolUse?.input;
      if (fragment && contentBlockIndex === toolBlock) {
        toolJson += fragment;
        onDelta(fragment);
      }
      text += delta?.text ?? '';
    } else if (event.messageStop) {
      stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      usage = event.metadata.usage;
    }
  }
  return { ...(toolBlock === undefined ? {} : { toolInput: parseToolInput(toolJson) }), text, stopReason, usage };
};

/** True for the SDK's errors of a request timeout (the handler's, or a socket's). */
const isRequestTimeout = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'TimeoutError' ||
  (error as { code?: string } | undefined)?.code === 'ETIMEDOUT';

/**
 * The port's error for what a Bedrock call threw. Cut by the caller's signal (however the SDK reports that: an
 * AbortError before the answer, a reset stream after it) or by the request timeout, it is a ModelTimeoutError.
 */
const toModelError = (
  error: unknown,
  modelId: string,
  signal: AbortSignal | undefined,
): ModelTimeoutError | ModelUnavailableError | ModelRequestError => {
  if (signal?.aborted) return new ModelTimeoutError(`Bedrock call to ${modelId} cut at its deadline`, { cause: error });
  if (isRequestTimeout(error)) {
    return new ModelTimeoutError(`Bedrock did not answer ${modelId} within the request timeout`, { cause: error });
  }
  if (!(error instanceof BedrockRuntimeServiceException)) {
    return new ModelUnavailableError(`Bedrock could not be reached for ${modelId}`, { cause: error });
  }
  const message = `Bedrock ${error.name} for ${modelId}: ${error.message}`;
  // Exceptions raised mid-stream arrive as events, without HTTP metadata.
  const status = error.$metadata?.httpStatusCode ?? 0;
  return UNAVAILABLE_ERRORS.has(error.name) || status >= 500
    ? new ModelUnavailableError(message, { cause: error })
    : new ModelRequestError(message, { cause: error });
};

/** Runs a Bedrock call, throwing the port's errors instead of the SDK's. */
const callBedrock = async <T>(request: StructuredRequest, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw toModelError(error, request.settings.modelId, request.signal);
  }
};

/**
 * The events of a stream, throwing the port's errors for what iterating it throws (exception events, a dropped
 * connection, the caller's signal). What the consumer's loop throws (`onDelta`) passes through unchanged.
 */
async function* bedrockEvents<T>(request: StructuredRequest, events: AsyncIterable<T> | undefined): AsyncGenerator<T> {
  try {
    if (events) yield* events;
  } catch (error) {
    throw toModelError(error, request.settings.modelId, request.signal);
  }
}

/**
 * Runs a model call in its trace span (`Bedrock <operation>`, annotated with the model and the answer's stop reason
 * and tokens): the span covers the whole call, a stream to its last event, and records the port's error it fails with.
 */
const tracedCall = (
  tracing: Tracing,
  operation: 'Converse' | 'ConverseStream',
  request: StructuredRequest,
  call: () => Promise<StructuredResponse>,
): Promise<StructuredResponse> =>
  tracing.span(`Bedrock ${operation}`, async (span) => {
    span.annotate('modelId', request.settings.modelId);
    const response = await call();
    span.annotate('stopReason', response.stopReason);
    span.annotate('inputTokens', response.usage.inputTokens);
    span.annotate('outputTokens', response.usage.outputTokens);
    return response;
  });

/**
 * The LanguageModel on Amazon Bedrock's Converse API: one call, a forced tool, the SDK's retries, all ended by the
 * request's signal; each call is a span of the trace.
 */
export class BedrockLanguageModel implements LanguageModel {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly tracing: Tracing = NO_TRACING,
  ) {}

  async generateStructured(request: StructuredRequest): Promise<StructuredResponse> {
    return tracedCall(this.tracing, 'Converse', request, async () => {
      const startedAt = performance.now();
      const command = new ConverseCommand(toConverseInput(request));
      const output = await callBedrock(request, () => this.client.send(command, { abortSignal: request.signal }));
      const content = output.output?.message?.content ?? [];
      const toolUse = content.find((block) => block.toolUse !== undefined)?.toolUse;
      return toStructuredResponse(
        {
          ...(toolUse ? { toolInput: toolUse.input } : {}),
          text: content.map((block) => block.text ?? '').join(''),
          stopReason: output.stopReason,
          usage: output.usage,
        },
        request.settings.modelId,
        startedAt,
      );
    });
  }

  /** ConverseStream: the SDK retries until the stream starts; an exception event midway ends the call. */
  async streamStructured(request: StructuredRequest, onDelta: (text: string) => void): Promise<StructuredResponse> {
    return tracedCall(this.tracing, 'ConverseStream', request, async () => {
      const startedAt = performance.now();
      const command = new ConverseStreamCommand(toConverseInput(request));
      const output = await callBedrock(request, () => this.client.send(command, { abortSignal: request.signal }));
      const answer = await collectStream(bedrockEvents(request, output.stream), onDelta);
      return toStructuredResponse(answer, request.settings.modelId, startedAt);
    });
  }
}
