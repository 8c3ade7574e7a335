import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { LocalResponseStream } from '../../../functions/shared/http/streaming-runtime';
import { lambdaContext } from '../../../local/lambda-context';
import { aTurn } from '../../support/conversation-factory';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { parseEvents } from '../../support/sse';

const TENANT = 'brightside-dental';
let api: ModelTestApi;
let owner: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  api = await startTestApiWithModel({ POWERTOOLS_LOG_LEVEL: 'INFO', USAGE_USER_REQUESTS_PER_MINUTE: '1000' });
  owner = await api.token(TENANT, 'owner-9');
  // Powertools writes INFO lines to stdout and WARN/ERROR lines to stderr; JSON lines are captured from both.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = chunk.toString();
      if (text.startsWith('{'))
        lines.push(
          ...text
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line)),
        );
      else write(chunk);
      return true;
    });
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
  await api.close();
});

const startConversation = async (): Promise<string> => {
  api.bedrock.enqueue({ toolInput: aTurn({ phase: 'introduction', progress: 0, reply: 'Welcome!' }) });
  const response = await api.call('POST', '/conversations', {
    token: owner,
    body: JSON.stringify({ topic: 'business_coaching' }),
  });
  return response.json.conversation.id;
};

/** A Function URL event for a streamed reply, with the request id the correlation id defaults to. */
const streamEvent = (id: string, requestId: string) =>
  ({
    version: '2.0',
    rawPath: `/conversations/${id}/messages/stream`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'We lost our biggest client.' }),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      http: { method: 'POST', path: `/conversations/${id}/messages/stream` },
      authorizer: { jwt: { claims: { tenant_id: TENANT, sub: 'owner-9', exp: '4102444800' }, scopes: [] } },
    },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

/** A response stream and what was written to it. */
const captured = (): { stream: LocalResponseStream; result: { status?: number; body: string } } => {
  const result: { status?: number; body: string } = { body: '' };
  return {
    result,
    stream: new LocalResponseStream((head) => (result.status = head.statusCode), {
      write: (chunk) => void (result.body += chunk.toString()),
      end: () => undefined,
    }),
  };
};

/** Resolves once `done` holds (work goes on after a streaming handler has returned its head). */
const until = async (done: () => boolean): Promise<void> => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('the log lines of overlapping streaming invocations', () => {
  it("carry each invocation's own function fields and keys, never another invocation's", async () => {
    const [slow, quick] = [await startConversation(), await startConversation()];
    const { handler } = await import('../../../functions/conversations/handlers/stream-conversation-reply');
    // The first invocation's model fails late, after the second invocation has started.
    api.bedrock.enqueue(
      { status: 400, errorType: 'ValidationException', delayMs: 400 },
      { toolInput: aTurn({ reply: 'Go on.' }) },
    );
    const [first, second] = [captured(), captured()];

    const slowReply = handler(streamEvent(slow, 'corr-first'), first.stream, lambdaContext('fnA', 'req-A'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await handler(streamEvent(quick, 'corr-second'), second.stream, lambdaContext('fnB', 'req-B'));
    await slowReply;
    await until(() => parseEvents(second.result.body).some((event) => event.event === 'turn'));

    const linesOf = (correlationId: string) =>
      lines
        .filter((line) => line.correlationId === correlationId)
        .map((line) => `${String(line.message)} ${String(line.function_name)} ${String(line.function_request_id)}`);
    expect(first.result.status).toBe(502);
    expect(linesOf('corr-first')).toEqual(['request failed fnA req-A']);
    expect(linesOf('corr-second')).toContain('model call fnB req-B');
    expect(linesOf('corr-second').filter((line) => !line.endsWith('fnB req-B'))).toEqual([]);
  });
});
