import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../shared/zod';
import { callStructured } from '../shared/llm/structured-call';
import type { MetricsRecorder } from '../shared/observability';
import { once } from '../shared/once';
import { renderPrompt, type RenderedPrompt } from '../shared/prompts/render';
import type { PromptStore, PromptTemplate } from '../shared/prompts/template';
import type { ModelGateway } from '../shared/usage/gateway';
import type { Generation, GenerationInput, InsightGenerator, SourcedDraft } from './generation';
import { finalizeDrafts } from './generation';
import { checkGrounding, normalizeInsightsOutput } from './grounding';
import { insightsOutputSchema } from './model';
import { insightPromptValues, promptHandles } from './prompt-context';
import { gapNoticeFor, ruleDrafts, RULES_PROVENANCE } from './rules-insight-generator';
import { AppError, ModelUnavailableError } from '../shared/errors';

/** The prompt topic that makes insight sets. */
export const INSIGHTS_TOPIC = 'insights_generation';

/** The forced tool; its JSON Schema is derived once, on the first generation (not at cold start). */
const insightsTool = /* @__PURE__ */ once(() => ({
  name: 'record_insights',
  description: 'Record the 5-10 coaching insights for this company.',
  inputSchema: z.toJSONSchema(insightsOutputSchema, { io: 'input' }),
}));

/** Renders an insights template for one tenant's data, signals and dismissals. */
export const renderInsightsPrompt = (
  template: PromptTemplate,
  input: Pick<GenerationInput, 'snapshot' | 'signals' | 'dismissals' | 'now' | 'timeZone'>,
): RenderedPrompt =>
  renderPrompt(
    template,
    insightPromptValues(input.snapshot, input.signals, input.dismissals, input.now, input.timeZone),
  );

/**
 * Generates insights with the active `insights_generation` template through the model gateway (limits, routing,
 * fallback models, metering): structured output through a forced tool, one repair round for malformed output, a
 * grounding check of every stated number, and the rules generator as the fallback (and top-up) whenever the model
 * cannot deliver — including when the tenant's budget is spent, which the provenance then says.
 */
export class LlmInsightGenerator implements InsightGenerator {
  constructor(
    private readonly prompts: PromptStore,
    private readonly gateway: ModelGateway,
    private readonly metrics: MetricsRecorder,
  ) {}

  async generate(input: GenerationInput): Promise<Generation> {
    const suppressed = new Set(input.dismissals.map((dismissal) => dismissal.fingerprint));
    const usage = { tokens: 0, costMicros: 0 };
    let template: PromptTemplate | undefined;
    try {
      template = await this.prompts.active(INSIGHTS_TOPIC);
      const rendered = renderInsightsPrompt(template, input);
      const result = await callStructured(
        this.gateway,
        {
          invocation: input.invocation,
          requestType: input.requestType,
          template,
          system: rendered.system,
          messages: [{ role: 'user', text: rendered.user }],
          tool: insightsTool(),
        },
        insightsOutputSchema,
        {
          normalize: normalizeInsightsOutput,
          onCall: ({ response, costMicros }) => {
            usage.tokens += response.usage.inputTokens + response.usage.outputTokens;
            usage.costMicros += costMicros;
          },
        },
      );
      if (!result.ok) return { ...this.fallback(input, suppressed, template, 'invalid_output'), usage };

      // The prompt names records by handles (G1, A1, I1); the signal keys the model wrote name them so too.
      const { keyFromPrompt } = promptHandles(input.snapshot);
      const insights = result.value.insights.map((draft) =>
        draft.signalKey === undefined ? draft : { ...draft, signalKey: keyFromPrompt(draft.signalKey) },
      );
      const grounding = checkGrounding(insights, input.snapshot, input.signals);
      if (grounding.repaired > 0 || grounding.dropped > 0) {
        input.invocation.log.warn('ungrounded numbers in model output', {
          repaired: grounding.repaired,
          dropped: grounding.dropped,
          details: grounding.details,
        });
      }
      this.metrics.addMetric('UngroundedInsights', MetricUnit.Count, grounding.repaired + grounding.dropped);
      const llmDrafts: SourcedDraft[] = grounding.grounded.map((draft) => ({ ...draft, source: 'llm' as const }));
      const outcome = result.repaired || grounding.repaired > 0 ? 'repaired' : 'ok';
      this.metrics.addMetric(`ModelOutcome_${outcome}`, MetricUnit.Count, 1);
      return {
        drafts: finalizeDrafts(llmDrafts, ruleDrafts(input), suppressed, gapNoticeFor(input)),
        provenance: { promptTopic: template.topic, promptVersion: template.version, modelId: result.modelId, outcome },
        usage,
      };
    } catch (error) {
      if (!(error instanceof AppError) || (input.strictModel && error instanceof ModelUnavailableError)) throw error;
      return { ...this.fallback(input, suppressed, template, error.code), usage };
    }
  }

  private fallback(
    input: GenerationInput,
    suppressed: ReadonlySet<string>,
    template: PromptTemplate | undefined,
    reason: string,
  ): Generation {
    input.invocation.log.warn('falling back to rule insights', { reason, promptVersion: template?.version });
    this.metrics.addMetric('ModelOutcome_fallback', MetricUnit.Count, 1);
    return {
      drafts: finalizeDrafts(ruleDrafts(input), [], suppressed),
      provenance: {
        ...RULES_PROVENANCE,
        outcome: 'fallback',
        reason,
        ...(template ? { promptTopic: template.topic, promptVersion: template.version } : {}),
      },
    };
  }
}
