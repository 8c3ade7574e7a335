import { baseModelId, type ModelPrice } from '../llm/models';

export { baseModelId };
import type { ModelUsage } from '../llm/port';

/** The price entry of a model (by its id or its base id), if the table has one. */
export const priceOf = (modelId: string, prices: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined =>
  prices[modelId] ?? prices[baseModelId(modelId)];

/** Estimated cost of a call in micro-dollars (integers add up exactly in DynamoDB counters); 0 without a price. */
export const estimateCostMicros = (
  modelId: string,
  usage: ModelUsage,
  prices: Readonly<Record<string, ModelPrice>>,
): number => {
  const price = priceOf(modelId, prices);
  if (!price) return 0;
  return Math.round(
    (usage.inputTokens * price.inputPer1k +
      usage.outputTokens * price.outputPer1k +
      usage.cacheReadInputTokens * price.cacheReadPer1k +
      usage.cacheWriteInputTokens * price.cacheWritePer1k) *
      1000,
  );
};

/** Micro-dollars as dollars. */
export const microsToUsd = (micros: number): number => micros / 1_000_000;
