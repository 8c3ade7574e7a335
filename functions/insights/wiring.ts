import {
  businessData,
  documentClient,
  jobStore,
  metricHistory,
  modelGateway,
  promptStore,
  workerQueue,
} from '../shared/adapters';
import { config } from '../shared/config';
import { metrics } from '../shared/observability';
import { lazyPort, once } from '../shared/once';
import type { PromptStore } from '../shared/prompts/template';
import { insightsConfig } from './config';
import type { InsightGenerator } from './generation';
import { RulesInsightGenerator } from './rules-insight-generator';
import { InsightsService, type InsightsSettings } from './service';
import { DynamoInsightStore } from './store';
import { insightJobsWorker } from './workers';

/**
 * The model-backed insight generator on the given templates (the runtime store, or one version for a preview). It
 * loads with its first generation: the API's functions only need to know that there is one (their misses queue jobs).
 */
export const llmInsightGenerator = (prompts: PromptStore): InsightGenerator =>
  lazyPort<InsightGenerator>(async () => {
    const { LlmInsightGenerator } = await import('./llm-insight-generator');
    return new LlmInsightGenerator(prompts, modelGateway(), metrics);
  });

/** The insights use cases' tunables from config (the batch simulation runs the service with them too). */
export const insightsSettings = (): InsightsSettings => {
  const cfg = insightsConfig();
  return {
    ttlHours: cfg.INSIGHTS_TTL_HOURS,
    refreshCooldownSeconds: cfg.INSIGHTS_REFRESH_COOLDOWN_SECONDS,
    dismissSuppressionDays: cfg.INSIGHTS_DISMISS_SUPPRESSION_DAYS,
    jobHoldSeconds: insightJobsWorker.timeoutSeconds * 3,
    retryFailedAfterSeconds: cfg.INSIGHTS_RETRY_FAILED_AFTER_SECONDS,
    jobMaxAttempts: cfg.INSIGHTS_JOB_MAX_ATTEMPTS,
    timeZone: config().INSIGHTS_TIME_ZONE,
  };
};

/** The insights service with its production adapters, built once per process from config. */
export const insightsService = /* @__PURE__ */ once((): InsightsService => {
  const cfg = insightsConfig();
  return new InsightsService({
    store: new DynamoInsightStore(documentClient(), cfg.INSIGHTS_TABLE),
    jobs: jobStore(),
    queue: workerQueue(insightJobsWorker, cfg.INSIGHTS_JOB_QUEUE_URL),
    businessData: businessData(),
    rules: new RulesInsightGenerator(),
    ...(config().LLM_PROVIDER === 'bedrock' ? { model: llmInsightGenerator(promptStore()) } : {}),
    metrics,
    clock: () => new Date(),
    settings: insightsSettings(),
    metricHistory: { store: metricHistory(), retentionDays: config().METRIC_HISTORY_RETENTION_DAYS },
  });
});
