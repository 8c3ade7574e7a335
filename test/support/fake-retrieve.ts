import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KnowledgeBaseRetrievalResult, RetrieveRequest } from '@aws-sdk/client-bedrock-agent-runtime';
import { listen } from '../../local/listen';

/** One Retrieve call as it arrived: the knowledge base id of its path and its JSON body. */
export interface RetrieveCall {
  readonly knowledgeBaseId: string;
  readonly body: Omit<RetrieveRequest, 'knowledgeBaseId'>;
}

/** What the fake answers a call with: results, an AWS error (status and `x-amzn-errortype`), or nothing for a while. */
export type RetrieveAnswer =
  | { readonly results: readonly KnowledgeBaseRetrievalResult[] }
  | { readonly status: number; readonly errorType: string; readonly message: string }
  | { readonly hangMs: number };

/** A local stand-in for the Bedrock Agent Runtime's Retrieve REST API (`POST /knowledgebases/{id}/retrieve`). */
export interface FakeRetrieve {
  readonly endpoint: string;
  /** Every call received, in order. */
  readonly calls: RetrieveCall[];
  /** How to answer each call (by default: no results). */
  answerWith(answer: (call: RetrieveCall) => RetrieveAnswer): void;
  close(): Promise<void>;
}

const PATH = /^\/knowledgebases\/([^/]+)\/retrieve$/;

const readBody = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
};

/** Starts the fake on a free local port. */
export const startFakeRetrieve = async (): Promise<FakeRetrieve> => {
  const calls: RetrieveCall[] = [];
  let answer: (call: RetrieveCall) => RetrieveAnswer = () => ({ results: [] });
  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
  const server = createServer((request, response) => {
    void (async () => {
      const match = PATH.exec(request.url ?? '');
      const text = await readBody(request);
      if (request.method !== 'POST' || !match) {
        send(response, 404, { message: 'Not found' }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
        return;
      }
      const call = {
        knowledgeBaseId: decodeURIComponent(match[1] ?? ''),
        body: JSON.parse(text) as RetrieveCall['body'],
      };
      calls.push(call);
      const answered = answer(call);
      if ('hangMs' in answered) {
        // Unref'd: a hung call the client gave up on keeps neither the fake nor the test process alive.
        await new Promise((resolve) => setTimeout(resolve, answered.hangMs).unref());
        if (!response.destroyed) send(response, 200, { retrievalResults: [] });
      } else if ('results' in answered) {
        send(response, 200, { retrievalResults: answered.results });
      } else {
        send(response, answered.status, { message: answered.message }, { 'x-amzn-errortype': answered.errorType });
      }
    })();
  });
  await listen(server, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    answerWith: (next) => {
      answer = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
