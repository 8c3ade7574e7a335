import { businessData, promptIndex, serviceTokens, templateContent, templateLimits } from '../shared/adapters';
import { config } from '../shared/config';
import { logger } from '../shared/observability';
import { once } from '../shared/once';
import { llmInsightGenerator } from '../insights/wiring';
import { PromptPreview } from './preview';
import { PromptRegistry } from './service';

/** The prompt registry on the index table and the prompts bucket, built once per process. */
export const promptRegistry = /* @__PURE__ */ once(
  (): PromptRegistry =>
    new PromptRegistry({
      index: promptIndex(),
      content: templateContent(),
      limits: templateLimits(),
      clock: () => new Date(),
      log: logger,
    }),
);

/** Dry-runs of template versions; invoking the model only where the Bedrock provider is configured. */
export const promptPreview = /* @__PURE__ */ once(
  (): PromptPreview =>
    new PromptPreview({
      businessData: businessData(),
      serviceTokens: serviceTokens(),
      ...(config().LLM_PROVIDER === 'bedrock' ? { generatorFor: llmInsightGenerator } : {}),
      clock: () => new Date(),
    }),
);
