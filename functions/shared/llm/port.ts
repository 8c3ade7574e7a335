/** Which model to call and how; resolved from the template's `model` block with defaults from config. */
export interface ModelSettings {
  readonly modelId: string;
  readonly temperature: number;
  readonly maxTokens: number;
}

/** One plain-text turn of a conversation with the model. */
export interface ModelMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** A tool the model is forced to call; its input schema is JSON Schema derived from zod. */
export interface ModelTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
}

/** A request for structured output through a forced tool call. */
export interface StructuredRequest {
  readonly system: string;
  readonly messages: readonly ModelMessage[];
  readonly tool: ModelTool;
  readonly settings: ModelSettings;
  /** Mark the system prompt as a cache prefix (Bedrock prompt caching); for long static prompts only. */
  readonly cacheSystemPrompt?: boolean;
  /**
   * Ends the call, its retries and its stream when it aborts (the caller's deadline): the call then fails with
   * ModelTimeoutError, as it does when the model's own request timeout passes.
   */
  readonly signal?: AbortSignal;
}

/** Token counts as Bedrock reports them. */
export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheWriteInputTokens: number;
}

/** What came back: the tool input when the model called the tool, and any text it wrote. */
export interface StructuredResponse {
  readonly toolInput?: unknown;
  readonly text: string;
  readonly stopReason: string;
  readonly usage: ModelUsage;
  readonly modelId: string;
  readonly latencyMs: number;
}

/** A large language model that can be forced to answer through a tool. */
export interface LanguageModel {
  generateStructured(request: StructuredRequest): Promise<StructuredResponse>;
  /**
   * The same call, streamed: `onDelta` receives the fragments of the tool input JSON as they arrive (the caller
   * reads partial fields such as `reply` from their concatenation), then the promise resolves to what
   * `generateStructured` would have returned. Errors are the same; a stream that fails midway is not retried.
   * Optional: callers fall back to `generateStructured` when a model does not stream.
   */
  streamStructured?(request: StructuredRequest, onDelta: (text: string) => void): Promise<StructuredResponse>;
}
