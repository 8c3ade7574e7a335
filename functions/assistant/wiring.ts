import { insightsService } from '../insights/wiring';
import { metricHistory, sourceHealth } from '../shared/adapters';
import { config } from '../shared/config';
import { knowledgeBase } from '../shared/knowledge/knowledge-base';
import { once } from '../shared/once';
import { usageReports } from '../usage/wiring';
import { AssistantService } from './service';

/** The assistant's use cases with their production adapters, built once per process. */
export const assistantService = /* @__PURE__ */ once((): AssistantService => {
  const cfg = config();
  return new AssistantService({
    knowledge: knowledgeBase(),
    usage: usageReports(),
    sourceHealth: sourceHealth(),
    history: metricHistory(),
    insights: insightsService(),
    clock: () => new Date(),
    timeZone: cfg.INSIGHTS_TIME_ZONE,
    warningThreshold: cfg.USAGE_WARNING_THRESHOLD,
  });
});
