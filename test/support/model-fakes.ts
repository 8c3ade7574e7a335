import type { LanguageModel, StructuredRequest, StructuredResponse } from '../../functions/shared/llm/port';

/**
 * A language model that answers each forced tool from a script: the answers queued for the tool first, then the
 * tool's default (an Error is thrown instead of answered). Keeps every request; streams the tool input JSON in small
 * fragments when asked to stream. `beforeAnswer` runs inside each call (to hold it open, or to change the world).
 */
export class ScriptedModel implements LanguageModel {
  readonly requests: StructuredRequest[] = [];
  /** Per tool: the tool input to answer when nothing is queued (an Error to fail with instead). */
  readonly defaults = new Map<string, unknown>();
  beforeAnswer: (request: StructuredRequest) => Promise<void> = async () => undefined;
  private readonly queues = new Map<string, unknown[]>();

  constructor(readonly modelId = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0') {}

  /** Queues answers for a tool, used in order before its default. */
  enqueue(tool: string, ...answers: unknown[]): void {
    this.queues.set(tool, [...(this.queues.get(tool) ?? []), ...answers]);
  }

  /** The requests that forced `tool`. */
  requestsFor(tool: string): StructuredRequest[] {
    return this.requests.filter((request) => request.tool.name === tool);
  }

  async generateStructured(request: StructuredRequest): Promise<StructuredResponse> {
    this.requests.push(request);
    await this.beforeAnswer(request);
    const tool = request.tool.name;
    const queued = this.queues.get(tool) ?? [];
    const answer = queued.length > 0 ? queued.shift() : this.defaults.get(tool);
    if (answer instanceof Error) throw answer;
    if (answer === undefined) throw new Error(`the scripted model has no answer for the tool ${tool}`);
    return {
      toolInput: answer,
      text: '',
      stopReason: 'tool_use',
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
      modelId: request.settings.modelId,
      latencyMs: 5,
    };
  }

  async streamStructured(request: StructuredRequest, onDelta: (text: string) => void): Promise<StructuredResponse> {
    const response = await this.generateStructured(request);
    const json = JSON.stringify(response.toolInput);
    for (let i = 0; i < json.length; i += 7) onDelta(json.slice(i, i + 7));
    return response;
  }
}
