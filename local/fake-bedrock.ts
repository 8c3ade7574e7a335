import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContentBlock, ConverseRequest } from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { DEFAULT_MODEL_CATALOGUE, modelEntryOf, type ModelCatalogue } from '../functions/shared/llm/models';
import { listen } from './listen';

/** The Converse request body as it arrived on the wire (the SDK's shape, minus the modelId in the path). */
export type ConverseWireRequest = Omit<ConverseRequest, 'modelId'>;

/** One recorded Converse or ConverseStream call. */
export interface FakeBedrockRequest {
  readonly modelId: string;
  readonly body: ConverseWireRequest;
  /** True for ConverseStream (`/converse-stream`). */
  readonly stream: boolean;
  /** `performance.now()` when the call's body had arrived: the fake runs in its caller's process, on the same clock. */
  readonly receivedAt: number;
  /** Why the model's family refused the call (a 400 ValidationException, before any scripted answer), if it did. */
  readonly rejected?: string;
}

/** Token counts to report; any left out are estimated from the request and answer sizes. */
export interface FakeUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}

/**
 * How fast the fake answers, like a real model: the time to the first output token, then output tokens per second
 * (Claude Sonnet on Bedrock: about 0.5-1.5 s and 50-80 tokens/s). A non-streamed answer comes when the last token is
 * written; a streamed one writes its deltas as they are "generated".
 */
export interface FakePace {
  readonly firstTokenMs: number;
  readonly tokensPerSecond: number;
}

interface Scripted {
  /** Wait this long before answering (on top of any pace). */
  readonly delayMs?: number;
  /** This answer's speed; default the fake's own pace (`setPace`), else instant. */
  readonly pace?: FakePace;
  /**
   * Never answer (a hung model): the connection stays open until the client gives up (its request timeout or abort
   * signal) or the fake closes. A stream hangs after its first delta.
   */
  readonly hang?: boolean;
}

interface ScriptedAnswer extends Scripted {
  readonly usage?: FakeUsage;
  readonly stopReason?: string;
  /**
   * Streams only: cut the stream off after its first delta with this exception event (`throttlingException`,
   * `modelStreamErrorException`, `serviceUnavailableException`, `validationException`, ...).
   */
  readonly streamException?: string;
}

/**
 * One scripted answer: a forced-tool call (after optional text), plain text, or an error status whose
 * `x-amzn-errortype` defaults by status (429 ThrottlingException, 400 ValidationException, 500, 503, ...).
 * Either route, Converse or ConverseStream, can take any of them.
 */
export type FakeResponse =
  | (ScriptedAnswer & { readonly toolInput: unknown; readonly text?: string })
  | (ScriptedAnswer & { readonly text: string })
  | (Scripted & { readonly status: number; readonly errorType?: string; readonly message?: string });

/** A running fake Bedrock runtime; point the client at `endpoint`. */
export interface FakeBedrock {
  readonly endpoint: string;
  readonly requests: readonly FakeBedrockRequest[];
  callCount(): number;
  /** Queues answers, used in order, one per call. */
  enqueue(...responses: FakeResponse[]): void;
  /** Answers calls once the queue is empty. */
  setDefault(respond: (request: FakeBedrockRequest) => FakeResponse): void;
  /** Sets the speed of every answer that names none (undefined: instant). */
  setPace(pace: FakePace | undefined): void;
  /** Calls that are still open (hung or being paced); the client dropped the others. */
  openCalls(): number;
  /** Forgets recorded requests, the queue, the default and the pace. */
  reset(): void;
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

const CONVERSE_PATH = /^\/model\/([^/]+)\/(converse|converse-stream)$/;

/** Schema keywords the non-Anthropic families refuse in a tool's input schema (public reports of Converse). */
const NON_ANTHROPIC_REJECTS = ['$ref', 'oneOf', 'anyOf'];
/** Keywords Claude refuses in the schema of a tool marked `strict: true`. */
const CLAUDE_STRICT_REJECTS = ['maxItems', 'minItems'];
/** Keywords whose value is a map of names to schemas (the names are not keywords). */
const NAMED_SCHEMAS = new Set(['properties', '$defs', 'definitions', 'patternProperties']);
/** Keywords whose value is data, not schemas. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

/** The first of `keywords` used anywhere in a JSON Schema, with where (`properties.goal.$ref`). */
const firstKeyword = (node: unknown, keywords: readonly string[], path = ''): string | undefined => {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = firstKeyword(item, keywords, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    if (keywords.includes(key)) return at;
    if (DATA_KEYWORDS.has(key)) continue;
    if (NAMED_SCHEMAS.has(key) && typeof value === 'object' && value !== null) {
      for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
        const found = firstKeyword(child, keywords, `${at}.${name}`);
        if (found) return found;
      }
      continue;
    }
    const found = firstKeyword(value, keywords, at);
    if (found) return found;
  }
  return undefined;
};

/**
 * Why the model's family would refuse this call, as Bedrock does with a 400 ValidationException, or undefined. By the
 * model's catalogue entry (a model missing from it accepts anything): a model without forced tool choice refuses
 * `toolChoice.tool`, one without system prompts a `system` block; a non-Anthropic family refuses a tool schema with
 * `$ref`, `oneOf` or `anyOf` anywhere or without a top-level `type: "object"`; Claude refuses `strict: true` with
 * `maxItems`/`minItems`.
 */
const familyRejection = (modelId: string, body: ConverseWireRequest, catalogue: ModelCatalogue): string | undefined => {
  const entry = modelEntryOf(modelId, catalogue);
  if (!entry) return undefined;
  const { family, capabilities } = entry;
  if (body.toolConfig?.toolChoice?.tool && !capabilities.forcedToolChoice) {
    return "This model doesn't support the toolConfig.toolChoice.tool field. Remove toolConfig.toolChoice.tool and try again.";
  }
  if (body.system?.length && !capabilities.systemPrompt) {
    return "This model doesn't support system messages. Remove the system field and try again.";
  }
  for (const [index, tool] of (body.toolConfig?.tools ?? []).entries()) {
    const spec = tool.toolSpec;
    const schema = spec?.inputSchema?.json as Record<string, unknown> | undefined;
    if (!spec || !schema) continue;
    const where = `toolConfig.tools.${index}.toolSpec.inputSchema`;
    if (family === 'anthropic') {
      const banned = spec.strict === true ? firstKeyword(schema, CLAUDE_STRICT_REJECTS) : undefined;
      if (banned)
        return `The model returned the following errors: ${where}: ${banned} is not supported with strict: true`;
      continue;
    }
    if (schema.type !== 'object') return `The model returned the following errors: ${where}: type must be "object"`;
    const banned = firstKeyword(schema, NON_ANTHROPIC_REJECTS);
    if (banned)
      return `The model returned the following errors: ${where}: unsupported JSON Schema keyword at ${banned}`;
  }
  return undefined;
};

/** Roughly how many deltas a streamed block is cut into, so that streaming can be observed. */
const STREAM_CHUNKS = 5;

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const unscripted = (): FakeResponse => ({ status: 500, message: 'fake Bedrock: no scripted response' });

/** About four characters per token, never zero. */
const estimateTokens = (value: unknown): number => Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const sendJson = (res: ServerResponse, status: number, body: unknown, errorType?: string): void => {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': `fake-${Date.now()}`,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
};

/** What the model "wrote", in the shape both routes report it. */
interface Composed {
  readonly content: ContentBlock[];
  readonly stopReason: string;
  readonly usage: Required<FakeUsage> & { readonly totalTokens: number };
  readonly metrics: { readonly latencyMs: number };
}

const compose = (request: FakeBedrockRequest, response: Exclude<FakeResponse, { status: number }>): Composed => {
  const { toolConfig } = request.body;
  const content: ContentBlock[] =
    'toolInput' in response
      ? [
          ...(response.text === undefined ? [] : [{ text: response.text }]),
          {
            toolUse: {
              toolUseId: 'tooluse_fake',
              name: toolConfig?.toolChoice?.tool?.name ?? toolConfig?.tools?.[0]?.toolSpec?.name ?? 'tool',
              input: response.toolInput as ContentBlock.ToolUseMember['toolUse']['input'],
            },
          },
        ]
      : [{ text: response.text }];
  const inputTokens = response.usage?.inputTokens ?? estimateTokens(request.body);
  const outputTokens = response.usage?.outputTokens ?? estimateTokens(content);
  return {
    content,
    stopReason: response.stopReason ?? ('toolInput' in response ? 'tool_use' : 'end_turn'),
    usage: {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      cacheReadInputTokens: response.usage?.cacheReadInputTokens ?? 0,
      cacheWriteInputTokens: response.usage?.cacheWriteInputTokens ?? 0,
    },
    metrics: { latencyMs: response.delayMs ?? 0 },
  };
};

/** `text` cut into about STREAM_CHUNKS slices. */
const slices = (text: string): string[] => {
  const size = Math.max(1, Math.ceil(text.length / STREAM_CHUNKS));
  const count = Math.ceil(text.length / size);
  return Array.from({ length: count }, (_, index) => text.slice(index * size, (index + 1) * size));
};

/** One ConverseStream event before framing: its `:event-type` (or `:exception-type`) and its JSON payload. */
interface StreamEvent {
  readonly type: string;
  readonly payload: unknown;
  readonly exception?: boolean;
}

/** The AWS event-stream binary framing of one event or modeled exception. */
const frame = ({ type, payload, exception }: StreamEvent): Uint8Array =>
  codec.encode({
    headers: {
      [exception ? ':exception-type' : ':event-type']: { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: exception ? 'exception' : 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });

/** The ConverseStream events of an answer; a scripted exception replaces everything after the first delta. */
const streamEvents = (answer: Composed, streamException?: string): StreamEvent[] => {
  const events: StreamEvent[] = [{ type: 'messageStart', payload: { role: 'assistant' } }];
  answer.content.forEach((block, contentBlockIndex) => {
    const deltas = block.toolUse
      ? slices(JSON.stringify(block.toolUse.input)).map((input) => ({ toolUse: { input } }))
      : slices(block.text ?? '').map((text) => ({ text }));
    if (block.toolUse) {
      const { toolUseId, name } = block.toolUse;
      const start = { toolUse: { toolUseId, name } };
      events.push({ type: 'contentBlockStart', payload: { contentBlockIndex, start } });
    }
    events.push(...deltas.map((delta) => ({ type: 'contentBlockDelta', payload: { contentBlockIndex, delta } })));
    events.push({ type: 'contentBlockStop', payload: { contentBlockIndex } });
  });
  events.push({ type: 'messageStop', payload: { stopReason: answer.stopReason } });
  events.push({ type: 'metadata', payload: { usage: answer.usage, metrics: answer.metrics } });
  if (streamException === undefined) return events;
  const firstDelta = events.findIndex((event) => event.type === 'contentBlockDelta');
  const exception = { type: streamException, payload: { message: `fake ${streamException}` }, exception: true };
  return [...events.slice(0, firstDelta + 1), exception];
};

/** Output tokens of a stream event's delta (about four characters per token), zero for other events. */
const deltaTokens = (event: StreamEvent): number => {
  const delta = (event.payload as { delta?: { text?: string; toolUse?: { input?: string } } }).delta;
  const text = delta?.text ?? delta?.toolUse?.input;
  return text === undefined ? 0 : Math.max(1, Math.ceil(text.length / 4));
};

/** Resolves when the client has hung up (its timeout or abort) or the fake closes the connection. */
const untilClosed = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.once('close', () => resolve());
  });

const answer = async (
  res: ServerResponse,
  request: FakeBedrockRequest,
  response: FakeResponse,
  pace: FakePace | undefined,
): Promise<void> => {
  if ('status' in response) {
    if (response.hang) return untilClosed(res);
    const errorType = response.errorType ?? ERROR_TYPES[response.status] ?? 'UnknownException';
    sendJson(res, response.status, { message: response.message ?? `fake ${errorType}` }, errorType);
    return;
  }
  const composed = compose(request, response);
  const tokenMs = pace ? 1000 / pace.tokensPerSecond : 0;
  if (!request.stream) {
    if (response.hang) return untilClosed(res);
    if (pace) await sleep(pace.firstTokenMs + composed.usage.outputTokens * tokenMs);
    if (res.destroyed) return;
    const { content, ...rest } = composed;
    sendJson(res, 200, { output: { message: { role: 'assistant', content } }, ...rest });
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': `fake-${Date.now()}`,
  });
  let firstDelta = true;
  for (const event of streamEvents(composed, response.streamException)) {
    const tokens = deltaTokens(event);
    if (pace && tokens > 0) await sleep(firstDelta ? pace.firstTokenMs : tokens * tokenMs);
    if (res.destroyed) return;
    res.write(frame(event));
    if (tokens > 0 && firstDelta) {
      firstDelta = false;
      if (response.hang) return untilClosed(res);
    }
  }
  res.end();
};

/**
 * Starts a fake Bedrock runtime speaking Converse and ConverseStream over HTTP/1.1 on 127.0.0.1. It imitates each
 * model's family by `catalogue` (default: the built-in one; see familyRejection): a call its model would refuse gets a
 * 400 ValidationException and takes no scripted answer.
 */
export const startFakeBedrock = async ({
  port = 0,
  catalogue = DEFAULT_MODEL_CATALOGUE,
}: { port?: number; catalogue?: ModelCatalogue } = {}): Promise<FakeBedrock> => {
  const requests: FakeBedrockRequest[] = [];
  let queue: FakeResponse[] = [];
  let respondByDefault: (request: FakeBedrockRequest) => FakeResponse = unscripted;
  let defaultPace: FakePace | undefined;
  const open = new Set<ServerResponse>();

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = req.method === 'POST' ? CONVERSE_PATH.exec(req.url ?? '') : null;
    if (!match?.[1]) {
      sendJson(
        res,
        404,
        { message: `fake Bedrock: no route for ${req.method} ${req.url}` },
        'UnknownOperationException',
      );
      return;
    }
    let body: ConverseWireRequest;
    try {
      body = JSON.parse(await readBody(req)) as ConverseWireRequest;
    } catch {
      sendJson(res, 400, { message: 'fake Bedrock: the body is not JSON' }, 'ValidationException');
      return;
    }
    const stream = match[2] === 'converse-stream';
    const modelId = decodeURIComponent(match[1]);
    const rejected = familyRejection(modelId, body, catalogue);
    const request: FakeBedrockRequest = {
      modelId,
      body,
      stream,
      receivedAt: performance.now(),
      ...(rejected ? { rejected } : {}),
    };
    requests.push(request);
    if (rejected) {
      sendJson(res, 400, { message: rejected }, 'ValidationException');
      return;
    }
    const response = queue.shift() ?? respondByDefault(request);
    open.add(res);
    try {
      if (response.delayMs) await sleep(response.delayMs);
      await answer(res, request, response, response.pace ?? defaultPace);
    } finally {
      open.delete(res);
    }
  };
  const server = createServer((req, res) => void serve(req, res));
  await listen(server, port, '127.0.0.1');

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    callCount: () => requests.length,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    setDefault: (respond) => {
      respondByDefault = respond;
    },
    setPace: (pace) => {
      defaultPace = pace;
    },
    openCalls: () => open.size,
    reset: () => {
      requests.length = 0;
      queue = [];
      respondByDefault = unscripted;
      defaultPace = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
