/**
 * The benchmarks' HTTP client for the local server: `node:http` on one keep-alive agent with a socket for every
 * request in flight, so a thousand requests sent at once each get their own connection and none waits for the client.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ms } from './support';

/** More sockets than the bench ever has requests in flight. */
const MAX_SOCKETS = 4096;

/** A response as read to its end. */
export interface BenchResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** `performance.now()` when the request was sent. */
  readonly sentAt: number;
  /** Milliseconds from sending the request to the end of the body. */
  readonly ms: number;
}

/** A Server-Sent Events response, and when its first `delta` event arrived. */
export interface StreamedResponse extends BenchResponse {
  /** Milliseconds from sending the request to the chunk that completed the first `delta` event (absent: none came). */
  readonly firstDeltaMs?: number;
}

/** One request: the bearer token, a JSON body and further headers. */
export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const FIRST_DELTA = /(^|\n)event: delta\ndata: [^\n]*\n\n/;

/** HTTP calls to one base URL (the local server) with a socket per request in flight. */
export class BenchClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });

  constructor(private readonly baseUrl: string) {}

  /** Sends a request and reads the whole response. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<BenchResponse> {
    return this.send(method, path, options, false);
  }

  /** POSTs and reads a Server-Sent Events response to its end, noting when its first `delta` event was complete. */
  async stream(path: string, options: CallOptions = {}): Promise<StreamedResponse> {
    return this.send('POST', path, options, true);
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, options: CallOptions, watchDeltas: boolean): Promise<StreamedResponse> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const outgoing = request(`${this.baseUrl}${path}`, { method, headers, agent: this.agent }, (incoming) => {
        incoming.setEncoding('utf8');
        let text = '';
        let firstDeltaMs: number | undefined;
        incoming.on('data', (chunk: string) => {
          text += chunk;
          if (watchDeltas && firstDeltaMs === undefined && FIRST_DELTA.test(text)) {
            firstDeltaMs = performance.now() - started;
          }
        });
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text,
            sentAt: started,
            ms: performance.now() - started,
            ...(firstDeltaMs === undefined ? {} : { firstDeltaMs }),
          }),
        );
        incoming.on('error', reject);
      });
      outgoing.on('error', (error) => {
        const socket = outgoing.reusedSocket ? 'a kept-alive socket' : 'a new connection';
        reject(new Error(`${method} ${path}: ${error.message} on ${socket} after ${ms(performance.now() - started)}`));
      });
      outgoing.end(body);
    });
  }
}
