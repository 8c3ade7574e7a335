import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConverseRequest } from '@aws-sdk/client-bedrock-runtime';

/** The Converse request body as it arrived on the wire (the SDK's shape, minus the modelId in the path). */
export type ConverseWireRequest = Omit<ConverseRequest, 'modelId'>;

/** One recorded Converse call. */
export interface FakeBedrockRequest {
  readonly modelId: string;
  readonly body: ConverseWireRequest;
}

/** Token counts to report; any left out are estimated from the request and answer sizes. */
export interface FakeUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}

interface Scripted {
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

/**
 * One scripted answer: a forced-tool call (after optional text), plain text, or an error status whose
 * `x-amzn-errortype` defaults by status (429 ThrottlingException, 400 ValidationException, 500, 503, ...).
 */
export type FakeResponse = Scripted &
  (
    | { readonly toolInput: unknown; readonly text?: string; readonly usage?: FakeUsage; readonly stopReason?: string }
    | { readonly text: string; readonly usage?: FakeUsage; readonly stopReason?: string }
    | { readonly status: number; readonly errorType?: string; readonly message?: string }
  );

/** A running fake Bedrock runtime; point the client at `endpoint`. */
export interface FakeBedrock {
  readonly endpoint: string;
  readonly requests: readonly FakeBedrockRequest[];
  callCount(): number;
  /** Queues answers, used in order, one per call. */
  enqueue(...responses: FakeResponse[]): void;
  /** Answers calls once the queue is empty. */
  setDefault(respond: (request: FakeBedrockRequest) => FakeResponse): void;
  /** Forgets recorded requests, the queue and the default. */
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

const CONVERSE_PATH = /^\/model\/([^/]+)\/converse$/;

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

const answer = (res: ServerResponse, request: FakeBedrockRequest, response: FakeResponse): void => {
  if ('status' in response) {
    const errorType = response.errorType ?? ERROR_TYPES[response.status] ?? 'UnknownException';
    sendJson(res, response.status, { message: response.message ?? `fake ${errorType}` }, errorType);
    return;
  }
  const { toolConfig } = request.body;
  const content =
    'toolInput' in response
      ? [
          ...(response.text === undefined ? [] : [{ text: response.text }]),
          {
            toolUse: {
              toolUseId: 'tooluse_fake',
              name: toolConfig?.toolChoice?.tool?.name ?? toolConfig?.tools?.[0]?.toolSpec?.name ?? 'tool',
              input: response.toolInput,
            },
          },
        ]
      : [{ text: response.text }];
  const inputTokens = response.usage?.inputTokens ?? estimateTokens(request.body);
  const outputTokens = response.usage?.outputTokens ?? estimateTokens(content);
  sendJson(res, 200, {
    output: { message: { role: 'assistant', content } },
    stopReason: response.stopReason ?? ('toolInput' in response ? 'tool_use' : 'end_turn'),
    usage: {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      cacheReadInputTokens: response.usage?.cacheReadInputTokens ?? 0,
      cacheWriteInputTokens: response.usage?.cacheWriteInputTokens ?? 0,
    },
    metrics: { latencyMs: response.delayMs ?? 0 },
  });
};

/** Starts a fake Bedrock runtime speaking the Converse API over HTTP/1.1 on 127.0.0.1. */
export const startFakeBedrock = async ({ port = 0 }: { port?: number } = {}): Promise<FakeBedrock> => {
  const requests: FakeBedrockRequest[] = [];
  let queue: FakeResponse[] = [];
  let respondByDefault: (request: FakeBedrockRequest) => FakeResponse = unscripted;

  const server = createServer(async (req, res) => {
    const match = req.method === 'POST' ? CONVERSE_PATH.exec(req.url ?? '') : null;
    if (!match?.[1]) {
      sendJson(res, 404, { message: `fake Bedrock: no route for ${req.method} ${req.url}` }, 'UnknownOperationException');
      return;
    }
    let body: ConverseWireRequest;
    try {
      body = JSON.parse(await readBody(req)) as ConverseWireRequest;
    } catch {
      sendJson(res, 400, { message: 'fake Bedrock: the body is not JSON' }, 'ValidationException');
      return;
    }
    const request: FakeBedrockRequest = { modelId: decodeURIComponent(match[1]), body };
    requests.push(request);
    const response = queue.shift() ?? respondByDefault(request);
    if (response.delayMs) await sleep(response.delayMs);
    answer(res, request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

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
    reset: () => {
      requests.length = 0;
      queue = [];
      respondByDefault = unscripted;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
