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
import { DEFAULT_MODEL_CATALOGUE, familyOf, modelEntryOf, type ModelCatalogue, type ModelFamily } from './models';
import type { LanguageModel, ModelMessage, ModelTool, StructuredRequest, StructuredResponse } from './port';
import { normalizeToolSchema } from './tool-schema';
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

type ToolJson = ToolInputSchema.JsonMember['json'];

const withoutSchemaKeyword = (schema: Record<string, unknown>): ToolJson =>
  Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')) as ToolJson;

/** Normalized tool schemas by input schema and family: tools are module constants, so each is normalized once. */
const normalizedSchemas = new WeakMap<object, Map<ModelFamily, ToolJson>>();

/**
 * The tool's input schema as the model's family accepts it (normalizeToolSchema): a zod-derived schema with `$ref`,
 * `oneOf` or `maxItems` never fails a request. A model of no known family gets the schema without `$schema`.
 */
const toolSchemaFor = (tool: ModelTool, family: ModelFamily | undefined): ToolJson => {
  if (family === undefined) return withoutSchemaKeyword(tool.inputSchema);
  let byFamily = normalizedSchemas.get(tool.inputSchema);
  if (!byFamily) normalizedSchemas.set(tool.inputSchema, (byFamily = new Map<ModelFamily, ToolJson>()));
  let schema = byFamily.get(family);
  if (!schema) byFamily.set(family, (schema = normalizeToolSchema(tool.inputSchema, family) as ToolJson));
  return schema;
};

/** The messages with the system text at the head of the first user message (for a model without system prompts). */
const withSystemFolded = (system: string, messages: readonly ModelMessage[]): ModelMessage[] => {
  const first = messages.findIndex((message) => message.role === 'user');
  if (first < 0) return [{ role: 'user', text: system }, ...messages];
  return messages.map((message, index) =>
    index === first ? { role: 'user', text: `${system}\n\n${message.text}` } : message,
  );
};

/**
 * The input of both Converse and ConverseStream: system, messages, inference config and the forced tool, shaped for
 * the model by its catalogue entry. The tool schema is normalized for its family. A model whose entry says it has no
 * forced tool choice gets none (`auto`: it may answer in text, which output repair reads), and one without system
 * prompts gets the system text folded into the first user message; routing keeps such models off requests that need
 * them, so these only happen when a model is called directly. A model missing from the catalogue is sent everything.
 */
const toConverseInput = (
  { system, messages, tool, settings, cacheSystemPrompt }: StructuredRequest,
  catalogue: ModelCatalogue,
): ConverseCommandInput => {
  const capabilities = modelEntryOf(settings.modelId, catalogue)?.capabilities;
  const systemBlock = capabilities?.systemPrompt !== false;
  const forceTool = capabilities?.forcedToolChoice !== false;
  return {
    modelId: settings.modelId,
    ...(systemBlock
      ? { system: cacheSystemPrompt ? [{ text: system }, { cachePoint: { type: 'default' } }] : [{ text: system }] }
      : {}),
    messages: (systemBlock ? messages : withSystemFolded(system, messages)).map((message) => ({
      role: message.role,
      content: [{ text: message.text }],
    })),
    inferenceConfig: { temperature: settings.temperature, maxTokens: settings.maxTokens },
    toolConfig: {
      tools: [
        {
          toolSpec: {
            name: tool.name,
            description: tool.description,
            inputSchema: { json: toolSchemaFor(tool, familyOf(settings.modelId, catalogue)) },
          },
        },
      ],
      ...(forceTool ? { toolChoice: { tool: { name: tool.name } } } : {}),
    },
  };
};

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
 * request's signal; each call is a span of the trace. Requests are shaped per model by the catalogue (see
 * toConverseInput).
 */
export class BedrockLanguageModel implements LanguageModel {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly tracing: Tracing = NO_TRACING,
    private readonly catalogue: ModelCatalogue = DEFAULT_MODEL_CATALOGUE,
  ) {}

  async generateStructured(request: StructuredRequest): Promise<StructuredResponse> {
    return tracedCall(this.tracing, 'Converse', request, async () => {
      const startedAt = performance.now();
      const command = new ConverseCommand(toConverseInput(request, this.catalogue));
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
      const command = new ConverseStreamCommand(toConverseInput(request, this.catalogue));
      const output = await callBedrock(request, () => this.client.send(command, { abortSignal: request.signal }));
      const answer = await collectStream(bedrockEvents(request, output.stream), onDelta);
      return toStructuredResponse(answer, request.settings.modelId, startedAt);
    });
  }
}
