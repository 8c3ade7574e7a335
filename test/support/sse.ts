/** One Server-Sent Event as a client reads it: its name and its parsed data. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: any;
}

/** The Server-Sent Events of a response body, in order. */
export const parseEvents = (text: string): ServerSentEvent[] =>
  text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      return {
        event: (lines.find((line) => line.startsWith('event: ')) ?? '').slice(7),
        data: JSON.parse((lines.find((line) => line.startsWith('data: ')) ?? 'data: null').slice(6)),
      };
    });
