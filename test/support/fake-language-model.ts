import { ModelRequestError, ModelTimeoutError, ModelUnavailableError } from '../../functions/shared/errors';
import type { LanguageModel, ModelUsage, StructuredRequest, StructuredResponse } from '../../functions/shared/llm/port';

/** Scripted as the answer: the fake hangs until the request's signal aborts, then fails as the Bedrock adapter does. */
export const HANG = Symbol('hang');

/** What the fake answers a request with: (part of) a response, an error to throw, or HANG. */
export type ModelScript = (request: StructuredRequest) => Partial<StructuredResponse> | Error | typeof HANG;

/** Never settles, unless the request's signal aborts: then it fails with ModelTimeoutError. */
export const untilAborted = (request: StructuredRequest): Promise<never> =>
  new Promise((_, reject) => {
    const cut = (): void => reject(new ModelTimeoutError(`cut at the deadline (${request.settings.modelId})`));
    if (request.signal?.aborted) cut();
    else request.signal?.addEventListener('abort', cut, { once: true });
  });

/** One request the fake received, and whether it came through `streamStructured`. */
export interface FakeModelCall {
  readonly request: StructuredRequest;
  readonly streamed: boolean;
}

const USAGE: ModelUsage = { inputTokens: 1000, outputTokens: 200, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };

/** A Bedrock error as the Bedrock adapter reports it: unavailable (worth a fallback) or a rejected request. */
export const bedrockError = (name: string): ModelUnavailableError | ModelRequestError => {
  const cause = Object.assign(new Error(`${name} from Bedrock`), { name });
  const unavailable = [
    'ThrottlingException',
    'ServiceUnavailableException',
    'InternalServerException',
    'ModelTimeoutException',
  ].includes(name);
  return unavailable
    ? new ModelUnavailableError(`Bedrock ${name}`, { cause })
    : new ModelRequestError(`Bedrock ${name}`, { cause });
};

/**
 * A LanguageModel that answers from a script: by default a tool call `{ ok: true }` from the requested model with
 * 1,000 input and 200 output tokens. It records every request; with `streams` it also streams (one delta, the
 * tool input JSON). A HANG script hangs until the request's signal aborts.
 */
export class FakeLanguageModel implements LanguageModel {
  readonly calls: FakeModelCall[] = [];
  readonly streamStructured?: LanguageModel['streamStructured'];

  constructor(
    private readonly script: ModelScript = () => ({}),
    options: { readonly streams?: boolean } = {},
  ) {
    if (options.streams) {
      this.streamStructured = async (request, onDelta) => {
        const response = await this.answer(request, true);
        onDelta(JSON.stringify(response.toolInput));
        return response;
      };
    }
  }

  async generateStructured(request: StructuredRequest): Promise<StructuredResponse> {
    return this.answer(request, false);
  }

  /** The model ids asked, in order. */
  get modelIds(): string[] {
    return this.calls.map((call) => call.request.settings.modelId);
  }

  private async answer(request: StructuredRequest, streamed: boolean): Promise<StructuredResponse> {
    this.calls.push({ request, streamed });
    const scripted = this.script(request);
    if (scripted === HANG) return untilAborted(request);
    if (scripted instanceof Error) throw scripted;
    return {
      toolInput: { ok: true },
      text: '',
      stopReason: 'tool_use',
      usage: USAGE,
      modelId: request.settings.modelId,
      latencyMs: 800,
      ...scripted,
    };
  }
}
