import {
  asService,
  onBehalfOf,
  type BusinessData,
  type BusinessDataRequest,
  type ServiceTokenProvider,
} from '../shared/business-api/port';
import type { DataGap } from '../shared/business-api/model';
import type { Invocation } from '../shared/invocation';
import { estimateTokens } from '../shared/llm/tokens';
import type { RenderedPrompt } from '../shared/prompts/render';
import type { PromptStore, PromptTemplate } from '../shared/prompts/template';
import type { Generation, InsightGenerator } from '../insights/generation';
import { INSIGHTS_TOPIC, renderInsightsPrompt } from '../insights/llm-insight-generator';
import { computeSignals } from '../insights/signals';
import { ModelNotConfiguredError, UnprocessableError } from '../shared/errors';

/** What a dry-run needs: the tenant's data, and (when invoking) a generator bound to the previewed template. */
export interface PreviewDependencies {
  readonly businessData: BusinessData;
  /** The service's own token for the .NET APIs, for a tenant other than the caller's. */
  readonly serviceTokens: ServiceTokenProvider;
  /** A model-backed generator on the given templates; undefined when the model is switched off (rules provider). */
  readonly generatorFor?: (prompts: PromptStore) => InsightGenerator;
  readonly clock: () => Date;
}

/** A dry-run of one template version on one tenant's data (the caller's own when the request names none). */
export interface PreviewResult {
  readonly topic: string;
  readonly version: string;
  readonly tenantId: string;
  readonly rendered: RenderedPrompt;
  readonly tokenEstimate: { readonly system: number; readonly user: number; readonly total: number };
  readonly dataGaps: readonly DataGap[];
  /** The model's validated output (only with `invoke`); nothing is stored. */
  readonly output?: Pick<Generation, 'drafts' | 'provenance'>;
}

/** Topics a preview can render; each needs its own way from business data to template variables. */
const PREVIEWABLE = new Set([INSIGHTS_TOPIC]);

/**
 * Renders a template version with a named tenant's real data (the demo data locally) and, on request, runs it
 * through the model and the same validation as production, without storing anything.
 */
export class PromptPreview {
  constructor(private readonly deps: PreviewDependencies) {}

  async run(
    invocation: Invocation,
    template: PromptTemplate,
    request: { readonly tenantId?: string; readonly invoke: boolean },
  ): Promise<PreviewResult> {
    const tenantId = request.tenantId ?? invocation.caller.tenantId;
    if (!PREVIEWABLE.has(template.topic)) {
      throw new UnprocessableError(`Preview is not available for topic "${template.topic}" yet`, [
        { field: 'topic', message: `previewable topics: ${[...PREVIEWABLE].join(', ')}` },
      ]);
    }
    const generatorFor = this.deps.generatorFor;
    if (request.invoke && !generatorFor) {
      throw new ModelNotConfiguredError(
        'Invoking the model needs a language model and none is configured here (LLM_PROVIDER=rules); set ' +
          'LLM_PROVIDER=bedrock, or preview without invoke',
      );
    }
    const now = this.deps.clock();
    const snapshot = await this.deps.businessData.snapshot(await this.readAs(invocation, tenantId));
    // The dry-run reads the named tenant's data, but its model calls are metered to the admin's own tenant.
    const input = {
      invocation,
      snapshot,
      signals: computeSignals(snapshot, now),
      dismissals: [],
      now,
      requestType: 'insights' as const,
    };
    const rendered = renderInsightsPrompt(template, input);
    const system = estimateTokens(rendered.system);
    const user = estimateTokens(rendered.user);
    const output =
      request.invoke && generatorFor ? await generatorFor({ active: async () => template }).generate(input) : undefined;
    invocation.log.info('prompt preview', {
      topic: template.topic,
      version: template.version,
      previewTenant: tenantId,
      invoked: request.invoke,
    });
    return {
      topic: template.topic,
      version: template.version,
      tenantId,
      rendered,
      tokenEstimate: { system, user, total: system + user },
      dataGaps: snapshot.gaps,
      ...(output ? { output: { drafts: output.drafts, provenance: output.provenance } } : {}),
    };
  }

  /** The caller's own tenant is read with their token; any other tenant with the service's, never the caller's. */
  private async readAs(invocation: Invocation, tenantId: string): Promise<BusinessDataRequest> {
    if (tenantId === invocation.caller.tenantId) return onBehalfOf(invocation);
    return asService(invocation, tenantId, await this.deps.serviceTokens.token());
  }
}
