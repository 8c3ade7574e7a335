import { businessData, jobStore, metricHistory, modelGateway, promptStore, workerQueue } from '../shared/adapters';
import { documentClient } from '../shared/adapters';
import { config } from '../shared/config';
import { once } from '../shared/once';
import { analysesConfig } from './config';
import { AnalysesService } from './service';
import { DynamoAnalysisStore } from './store';
import { analysisJobsWorker } from './workers';

/** The analyses' use cases with their production adapters, built once per process from config. */
export const analysesService = /* @__PURE__ */ once((): AnalysesService => {
  const cfg = analysesConfig();
  return new AnalysesService({
    store: new DynamoAnalysisStore(documentClient(), cfg.ANALYSES_TABLE),
    businessData: businessData(),
    history: metricHistory(),
    ...(config().LLM_PROVIDER === 'bedrock' ? { model: { prompts: promptStore(), gateway: modelGateway() } } : {}),
    jobs: jobStore(),
    queue: workerQueue(analysisJobsWorker, cfg.ANALYSIS_JOB_QUEUE_URL),
    clock: () => new Date(),
    settings: {
      ttlDays: cfg.ANALYSES_TTL_DAYS,
      syncBudgetMs: cfg.ANALYSES_SYNC_BUDGET_SECONDS * 1000,
      timeZone: config().INSIGHTS_TIME_ZONE,
      jobHoldSeconds: analysisJobsWorker.timeoutSeconds * 3,
    },
  });
});
