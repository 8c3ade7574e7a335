import { BedrockRuntimeClient, BedrockRuntimeServiceException, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type {
  ConverseCommandInput,
  ConverseCommandOutput,
  ToolInputSchema,
} from '@aws-sdk/client-bedrock-runtime';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ModelRequestError, ModelUnavailableError } from './port';
import type { LanguageModel, StructuredRequest, StructuredResponse } from './port';

/** How to build the Bedrock runtime client; `endpoint` points it at the local fake Bedrock. */
export interface BedrockClientOptions {
  readonly region?: string;
  readonly endpoint?: string;
  /** Total attempts per call, retries included (BEDROCK_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** A fixed delay between attempts instead of the SDK's exponential backoff; for tests and local runs. */
  readonly retryDelayMs?: number;
}

/**
 * Builds the Bedrock runtime client; call it once per process, at module scope. Retries are the SDK's
 * standard strategy. With an endpoint override it speaks plain HTTP/1.1 (the SDK defaults to HTTP/2)
 * and signs with dummy credentials.
 */
export const createBedrockClient = (options: BedrockClientOptions): BedrockRuntimeClient =>
  new BedrockRuntimeClient({
    region: options.region,
    maxAttempts: options.maxAttempts,
    ...(options.retryDelayMs === undefined
      ? {}
      : { retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts, options.retryDelayMs) }),
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          requestHandler: new NodeHttpHandler(),
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });

/** Errors worth a fallback: Bedrock is overloaded or failing, not the request. */
const UNAVAILABLE_ERRORS = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'InternalServerException',
  'ModelTimeoutException',
]);

const withoutSchemaKeyword = (schema: Record<string, unknown>): ToolInputSchema.JsonMember['json'] =>
  Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')) as ToolInputSchema.JsonMember['json'];

const toConverseInput = ({ system, messages, tool, settings, cacheSystemPrompt }: StructuredRequest): ConverseCommandInput => ({
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

const toStructuredResponse = (
  output: ConverseCommandOutput,
  modelId: string,
  latencyMs: number,
): StructuredResponse => {
  const content = output.output?.message?.content ?? [];
  const toolUse = content.find((block) => block.toolUse !== undefined)?.toolUse;
  return {
    ...(toolUse ? { toolInput: toolUse.input } : {}),
    text: content.map((block) => block.text ?? '').join(''),
    stopReason: output.stopReason ?? 'unknown',
    usage: {
      inputTokens: output.usage?.inputTokens ?? 0,
      outputTokens: output.usage?.outputTokens ?? 0,
      cacheReadInputTokens: output.usage?.cacheReadInputTokens ?? 0,
      cacheWriteInputTokens: output.usage?.cacheWriteInputTokens ?? 0,
    },
    modelId,
    latencyMs,
  };
};

const toModelError = (error: unknown, modelId: string): ModelUnavailableError | ModelRequestError => {
  if (!(error instanceof BedrockRuntimeServiceException)) {
    return new ModelUnavailableError(`Bedrock could not be reached for ${modelId}`, { cause: error });
  }
  const message = `Bedrock ${error.name} for ${modelId}: ${error.message}`;
  const status = error.$metadata.httpStatusCode ?? 0;
  return UNAVAILABLE_ERRORS.has(error.name) || status >= 500
    ? new ModelUnavailableError(message, { cause: error })
    : new ModelRequestError(message, { cause: error });
};

/** The LanguageModel on Amazon Bedrock's Converse API: one call, a forced tool, the SDK's retries. */
export class BedrockLanguageModel implements LanguageModel {
  constructor(private readonly client: BedrockRuntimeClient) {}

  async generateStructured(request: StructuredRequest): Promise<StructuredResponse> {
    const startedAt = performance.now();
    let output: ConverseCommandOutput;
    try {
      output = await this.client.send(new ConverseCommand(toConverseInput(request)));
    } catch (error) {
      throw toModelError(error, request.settings.modelId);
    }
    return toStructuredResponse(output, request.settings.modelId, Math.round(performance.now() - startedAt));
  }
}
