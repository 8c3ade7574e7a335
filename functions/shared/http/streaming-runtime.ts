import { Writable } from 'node:stream';

/** Status and headers of a streamed response, written before its first byte. */
export interface ResponseHead {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** The Lambda Node.js runtime's response-streaming API (the `awslambda` global), as middy uses it. */
export interface LambdaStreamingRuntime {
  streamifyResponse(handler: unknown): unknown;
  HttpResponseStream: { from(stream: Writable, head: ResponseHead): Writable };
}

/**
 * A response stream outside Lambda: hands the head to `onHead` when the handler sets it, then passes the body's
 * chunks to `sink`. The local server wraps its HTTP response in one; tests read what was streamed from one.
 */
export class LocalResponseStream extends Writable {
  constructor(
    private readonly onHead: (head: ResponseHead) => void,
    sink: { write(chunk: Buffer): void; end(): void },
  ) {
    super({
      write: (chunk: Buffer, _encoding, done) => {
        sink.write(chunk);
        done();
      },
      final: (done) => {
        sink.end();
        done();
      },
    });
  }

  /** Called by the runtime stand-in's `HttpResponseStream.from`. */
  setHead(head: ResponseHead): void {
    this.onHead(head);
  }
}

/** Outside Lambda a streaming handler is the plain `(event, responseStream, context)` function it wraps. */
const localRuntime: LambdaStreamingRuntime = {
  streamifyResponse: (handler) => handler,
  HttpResponseStream: {
    from: (stream, head) => {
      if (stream instanceof LocalResponseStream) stream.setHead(head);
      return stream;
    },
  },
};

const isStreamingRuntime = (runtime: unknown): runtime is LambdaStreamingRuntime =>
  typeof (runtime as Partial<LambdaStreamingRuntime> | undefined)?.streamifyResponse === 'function' &&
  typeof (runtime as Partial<LambdaStreamingRuntime> | undefined)?.HttpResponseStream?.from === 'function';

/**
 * Makes sure the `awslambda` global exists before middy wraps a streaming handler: in Lambda it is the runtime's;
 * anywhere else (the local server, tests, a bundle loaded in plain Node) the local stand-in above.
 */
export const ensureStreamingRuntime = (): void => {
  const scope = globalThis as { awslambda?: unknown };
  if (!isStreamingRuntime(scope.awslambda)) scope.awslambda = localRuntime;
};
