import { businessData, documentClient, modelGateway, promptStore } from '../shared/adapters';
import { config } from '../shared/config';
import { metrics } from '../shared/observability';
import { once } from '../shared/once';
import type { PromptStore } from '../shared/prompts/template';
import type { InsightGenerator } from './generation';
import { LlmInsightGenerator } from './llm-insight-generator';
import { RulesInsightGenerator } from './rules-insight-generator';
import { InsightsService } from './service';
import { DynamoInsightStore } from './store';
import { insightsConfig } from './config';

/** The model-backed insight generator on the given templates (the runtime store, or one version for a preview). */
export const llmInsightGenerator = (prompts: PromptStore): LlmInsightGenerator => {
  return new LlmInsightGenerator(prompts, modelGateway(), metrics);
};

/** The insights service with its production adapters, built once per process from config. */
export const insightsService = /* @__PURE__ */ once((): InsightsService => {
  const cfg = config();
  const generator: InsightGenerator =
    cfg.LLM_PROVIDER === 'bedrock' ? llmInsightGenerator(promptStore()) : new RulesInsightGenerator();
  return new InsightsService({
    store: new DynamoInsightStore(documentClient(), insightsConfig().INSIGHTS_TABLE),
    businessData: businessData(),
    generator,
    metrics,
    clock: () => new Date(),
    settings: {
      ttlHours: insightsConfig().INSIGHTS_TTL_HOURS,
      refreshCooldownSeconds: insightsConfig().INSIGHTS_REFRESH_COOLDOWN_SECONDS,
      dismissSuppressionDays: insightsConfig().INSIGHTS_DISMISS_SUPPRESSION_DAYS,
      leaseSeconds: insightsConfig().INSIGHTS_LEASE_SECONDS,
      leasePollMs: insightsConfig().INSIGHTS_LEASE_POLL_MS,
    },
  });
});
