import type * as z from '../zod';
import type { GatewayRequest, GatewayResponse, ModelGateway } from '../usage/gateway';
import { parseModelOutput, repairInstruction } from './output-repair';
import type { ModelMessage, StructuredResponse } from './port';

/** A validated structured answer, or the problems that remained after the repair round. */
export type StructuredResult<T> =
  | { readonly ok: true; readonly value: T; readonly repaired: boolean; readonly modelId: string }
  | { readonly ok: false; readonly problems: readonly string[] };

const rawOutput = (response: StructuredResponse): string =>
  response.toolInput !== undefined ? JSON.stringify(response.toolInput) : response.text;

/**
 * Calls the model through the gateway for output matching `schema`; local repair (fences, truncation, `normalize`)
 * first, then (unless `repair` is false) one repair round that tells the model what was wrong. Each call is metered
 * with its verdict. Only the first attempt streams (`request.onDelta`): a repair round is not shown to the user as it
 * is written.
 */
export const callStructured = async <T>(
  gateway: ModelGateway,
  request: Omit<GatewayRequest, 'judge'>,
  schema: z.core.$ZodType<T>,
  options: {
    /** Fixes near-misses before validation (e.g. enum case). */
    readonly normalize?: (value: unknown) => unknown;
    /** Sees every answered call (e.g. to add up tokens and cost), even when a later one fails. */
    readonly onCall?: (answer: GatewayResponse) => void;
    /** `false`: no repair round, the first answer's problems are the result (for a deadline too short for two calls). */
    readonly repair?: boolean;
  } = {},
): Promise<StructuredResult<T>> => {
  const { normalize, onCall, repair = true } = options;
  const attempt = async (messages: readonly ModelMessage[], streamed: boolean) => {
    let parsed: ReturnType<typeof parseModelOutput<T>> | undefined;
    const { onDelta, ...rest } = request;
    const answer = await gateway.call({
      ...rest,
      ...(streamed && onDelta ? { onDelta } : {}),
      messages,
      judge: (output) => {
        parsed = parseModelOutput(schema, output, normalize ? { normalize } : {});
        return parsed.ok ? (parsed.repaired ? 'repaired' : 'ok') : 'failed';
      },
    });
    onCall?.(answer);
    return { parsed: parsed as NonNullable<typeof parsed>, response: answer.response };
  };
  const first = await attempt(request.messages, true);
  if (first.parsed.ok)
    return { ok: true, value: first.parsed.value, repaired: first.parsed.repaired, modelId: first.response.modelId };
  if (!repair) return { ok: false, problems: first.parsed.problems };
  request.invocation.log.warn('model output invalid; asking for a repair', {
    problems: first.parsed.problems.slice(0, 10),
  });
  const second = await attempt(
    [
      ...request.messages,
      { role: 'assistant', text: rawOutput(first.response) },
      { role: 'user', text: repairInstruction(first.parsed.problems) },
    ],
    false,
  );
  return second.parsed.ok
    ? { ok: true, value: second.parsed.value, repaired: true, modelId: second.response.modelId }
    : { ok: false, problems: second.parsed.problems };
};
