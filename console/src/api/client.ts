import type { Components, Paths } from './schema';

/** The methods a path has. */
export type MethodOf<P extends keyof Paths> = keyof Paths[P] & string;
type Operation<P extends keyof Paths, M extends MethodOf<P>> = Paths[P][M] extends {
  path: unknown;
  query: unknown;
  body: unknown;
  response: unknown;
}
  ? Paths[P][M]
  : never;
/** The success body of an operation, as docs/openapi.json documents it. */
export type ResponseOf<P extends keyof Paths, M extends MethodOf<P>> = Operation<P, M>['response'];

/** What a call sends: path parameters, query and body, each typed by the operation. */
export interface CallInput<P extends keyof Paths, M extends MethodOf<P>> {
  path?: Operation<P, M>['path'];
  query?: Partial<Record<keyof Operation<P, M>['query'], string | number | undefined>>;
  body?: Operation<P, M>['body'];
}

/** An error answer of the API: its status, code and message (shown to the user as the API wrote it). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Components['ErrorDetails'],
  ) {
    super(message);
  }
}

/** Where the API is and which token to send; set once at sign-in. */
export const connection = { apiUrl: '', streamingUrl: '', token: '' };

/** The URL of a path with its parameters and query filled in. */
export const urlOf = (base: string, path: string, params: Record<string, string> = {}, query = {}): string => {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const search = new URLSearchParams(
    Object.entries(query as Record<string, unknown>).flatMap(([k, v]) =>
      v === undefined || v === '' ? [] : [[k, String(v as string | number)]],
    ),
  ).toString();
  return `${base}${filled}${search ? `?${search}` : ''}`;
};

/** Turns a failed response into an ApiError with the API's own code and message. */
export const errorOf = async (response: Response): Promise<ApiError> => {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as Components['Error'];
    return new ApiError(response.status, error.code, error.message, error.details);
  } catch {
    return new ApiError(response.status, 'http_error', text || `HTTP ${response.status}`);
  }
};

/** Calls one documented operation; resolves its typed success body or throws an ApiError. */
export const api = async <P extends keyof Paths, M extends MethodOf<P>>(
  method: M,
  path: P,
  input: CallInput<P, M> = {},
): Promise<ResponseOf<P, M>> => {
  const response = await fetch(urlOf(connection.apiUrl, path, input.path as Record<string, string>, input.query), {
    method: method.toUpperCase(),
    headers: {
      authorization: `Bearer ${connection.token}`,
      ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: input.body === undefined ? undefined : JSON.stringify(input.body),
  });
  if (!response.ok) throw await errorOf(response);
  return (response.status === 204 ? undefined : await response.json()) as ResponseOf<P, M>;
};

/** One Server-Sent Event. */
export interface StreamEvent {
  readonly event: string;
  readonly data: unknown;
}

/** Posts to a streaming route and calls `onEvent` for each Server-Sent Event as it arrives. */
export const stream = async (
  path: '/conversations/{id}/messages/stream',
  params: { id: string },
  body: Paths['/conversations/{id}/messages/stream']['post']['body'],
  onEvent: (event: StreamEvent) => void,
): Promise<void> => {
  const response = await fetch(urlOf(connection.streamingUrl || connection.apiUrl, path, params), {
    method: 'POST',
    headers: { authorization: `Bearer ${connection.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) throw await errorOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
      onEvent({ event, data: data ? (JSON.parse(data) as unknown) : null });
    }
  }
};
