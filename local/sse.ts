/** One Server-Sent Event as a client reads it: its name and its parsed data. */
export interface ServerSentEvent<Data = unknown> {
  readonly event: string;
  readonly data: Data;
}

/** The Server-Sent Events of a response body, in order (the tests and the bench read the streaming route with it). */
export const parseEvents = <Data = unknown>(text: string): ServerSentEvent<Data>[] =>
  text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      return {
        event: (lines.find((line) => line.startsWith('event: ')) ?? '').slice(7),
        data: JSON.parse((lines.find((line) => line.startsWith('data: ')) ?? 'data: null').slice(6)) as Data,
      };
    });
