import { parseEvents as parseServerSentEvents, type ServerSentEvent } from '../../local/sse';

/** The Server-Sent Events of a response body, in order, their data untyped for the assertions. */
export const parseEvents = (text: string): ServerSentEvent<any>[] => parseServerSentEvents<any>(text);
