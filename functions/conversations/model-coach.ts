import * as z from '../shared/zod';
import type { Invocation } from '../shared/invocation';
import { callStructured } from '../shared/llm/structured-call';
import type { ModelMessage, ModelTool } from '../shared/llm/port';
import { once } from '../shared/once';
import { renderPrompt } from '../shared/prompts/render';
import type { PromptStore, PromptTemplate } from '../shared/prompts/template';
import type { GatewayRequest, GatewayResponse, ModelGateway } from '../shared/usage/gateway';
import type {
  Coach,
  CoachFoldRequest,
  CoachOutcome,
  CoachOutcomeRequest,
  CoachSummary,
  CoachTurn,
  CoachTurnRequest,
} from './coach';
import { outcomeSchemas, turnOutputSchema, type Provenance, type Spend } from './model';
import { conversationPromptValues, OPENING_MESSAGE } from './prompt-context';
import { addSpend, foldTranscript, NO_SPEND, replyTextStream, toModelMessages, transcript } from './turns';
import { UpstreamUnavailableError } from '../shared/errors';

/** The forced tools; their JSON Schemas are derived on first use, not at cold start. */
const turnTool = /* @__PURE__ */ once(() => ({
  name: 'record_turn',
  description: 'Record your reply to the owner and where the session stands.',
  inputSchema: z.toJSONSchema(turnOutputSchema, { io: 'input' }),
}));
const summaryTool = /* @__PURE__ */ once(() => ({
  name: 'record_summary',
  description: 'Record the updated summary.',
  inputSchema: z.toJSONSchema(z.object({ summary: z.string().check(z.maxLength(2000)) }), { io: 'input' }),
}));
const summarySchema = z.object({ summary: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) });

/** A gateway request of conversations (metered as `conversation`). */
const conversationRequest = (
  invocation: Invocation,
  template: PromptTemplate,
  system: string,
  messages: readonly ModelMessage[],
  tool: ModelTool,
): Omit<GatewayRequest, 'judge'> => ({ invocation, requestType: 'conversation', template, system, messages, tool });

/** The provenance of a model's validated answer on a template. */
const modelProvenance = (template: PromptTemplate, answer: { modelId: string; repaired: boolean }): Provenance => ({
  provider: 'bedrock',
  promptTopic: template.topic,
  promptVersion: template.version,
  modelId: answer.modelId,
  repaired: answer.repaired,
});

/** Adds up what the answered calls of a request used, a repair round included (even when a later call fails). */
const spendMeter = (): { readonly onCall: (answer: GatewayResponse) => void; total: () => Spend } => {
  let spent = NO_SPEND;
  return {
    onCall: ({ response, costMicros }) => {
      spent = addSpend(spent, {
        inputTokens: response.usage.inputTokens,
        outputTokens: response.usage.outputTokens,
        costMicros,
      });
    },
    total: () => spent,
  };
};

/**
 * The coach on a model: every turn is a forced `record_turn` call through the gateway (limits, routing, metering;
 * one repair round), rendered from the topic's template with the business context and the memory; summaries and
 * outcomes use the `conversation_summary` and `outcome_extraction` templates.
 */
export class ModelCoach implements Coach {
  constructor(
    private readonly gateway: ModelGateway,
    private readonly prompts: PromptStore,
  ) {}

  async turn(request: CoachTurnRequest): Promise<CoachTurn> {
    const { invocation, conversation, template, userText, onText } = request;
    const rendered = renderPrompt(
      template,
      conversationPromptValues({
        snapshot: request.snapshot,
        phase: conversation.phase,
        summary: request.summary,
        extracted: conversation.extracted,
        exchanges: request.exchanges,
        userMessage: userText ?? OPENING_MESSAGE(conversation.topic),
      }),
    );
    const messages = toModelMessages(
      [...request.recent, { role: 'user', text: rendered.user }],
      OPENING_MESSAGE(conversation.topic),
    );
    const meter = spendMeter();
    const result = await callStructured(
      this.gateway,
      {
        ...conversationRequest(invocation, template, rendered.system, messages, turnTool()),
        ...(userText ? { complexityText: userText } : {}),
        ...(onText ? { onDelta: replyTextStream(onText) } : {}),
      },
      turnOutputSchema,
      { onCall: meter.onCall },
    );
    if (!result.ok) throw new UpstreamUnavailableError('The coach could not answer just now; send your message again');
    return { output: result.value, provenance: modelProvenance(template, result), spend: meter.total() };
  }

  /** A small model call; a plain transcript cut if that fails. */
  async fold({ invocation, conversation, messages }: CoachFoldRequest): Promise<CoachSummary> {
    const meter = spendMeter();
    try {
      const template = await this.prompts.active('conversation_summary');
      const rendered = renderPrompt(template, {
        previous_summary: conversation.summary || 'none yet',
        messages: transcript(messages),
      });
      const result = await callStructured(
        this.gateway,
        conversationRequest(
          invocation,
          template,
          rendered.system,
          [{ role: 'user', text: rendered.user }],
          summaryTool(),
        ),
        summarySchema,
        { onCall: meter.onCall },
      );
      if (result.ok) return { summary: result.value.summary, spend: meter.total() };
    } catch (error) {
      invocation.log.warn('summary call failed; folding the transcript', { error: String(error) });
    }
    return { summary: foldTranscript(conversation.summary, messages), spend: meter.total() };
  }

  async outcome({ invocation, conversation, messages }: CoachOutcomeRequest): Promise<CoachOutcome> {
    const meter = spendMeter();
    const extraction = await this.prompts.active('outcome_extraction');
    const schema: z.ZodMiniType<Record<string, unknown>> = outcomeSchemas[conversation.topic];
    const shape = z.toJSONSchema(schema, { io: 'input' });
    const rendered = renderPrompt(extraction, {
      outcome_shape: JSON.stringify(shape),
      topic: conversation.topic,
      summary: conversation.summary || 'none',
      messages: transcript(messages),
      extracted_so_far: JSON.stringify(conversation.extracted),
    });
    const result = await callStructured(
      this.gateway,
      conversationRequest(invocation, extraction, rendered.system, [{ role: 'user', text: rendered.user }], {
        name: 'record_outcome',
        description: `Record the outcome of the ${conversation.topic} session.`,
        inputSchema: shape,
      }),
      schema,
      { onCall: meter.onCall },
    );
    if (!result.ok) throw new UpstreamUnavailableError('The outcome could not be extracted; try completing again');
    return { outcome: result.value, provenance: modelProvenance(extraction, result), spend: meter.total() };
  }
}
