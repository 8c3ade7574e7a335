import type { LanguageModel, ModelUsage } from '../../functions/shared/llm/port';
import { ModelGateway, type GatewaySettings } from '../../functions/shared/usage/gateway';
import type { UsageEvent, UsageLedger } from '../../functions/shared/usage/ledger';
import { ModelCooldowns } from '../../functions/shared/usage/routing';

export const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
export const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/**
 * Prices per 1K tokens of Sonnet 4.5 and Haiku 4.5 (by base model id), fixed here so the tests' costs do not move
 * with the configured defaults. In micro-dollars per token: Sonnet 3 in, 15 out; Haiku 1 in, 5 out.
 */
export const PRICES = {
  'anthropic.claude-sonnet-4-5-20250929-v1:0': {
    inputPer1k: 0.003,
    outputPer1k: 0.015,
    cacheReadPer1k: 0.0003,
    cacheWritePer1k: 0.00375,
  },
  'anthropic.claude-haiku-4-5-20251001-v1:0': {
    inputPer1k: 0.001,
    outputPer1k: 0.005,
    cacheReadPer1k: 0.0001,
    cacheWritePer1k: 0.00125,
  },
};

/** What a test says about a metered call: any event field, and any part of its usage. */
export type UsageEventOverrides = Partial<Omit<UsageEvent, 'usage'>> & { usage?: Partial<ModelUsage> };

/** A metered call of `tenantId` at `at`: 1,200 tokens (1,000 in, 200 out) of Sonnet for insights, 6,000 micro-dollars. */
export const usageEvent = (tenantId: string, at: Date, overrides: UsageEventOverrides = {}): UsageEvent => {
  const { usage, ...fields } = overrides;
  return {
    tenantId,
    userId: 'user-1',
    requestType: 'insights',
    promptTopic: 'insights_generation',
    promptVersion: '1.0',
    modelId: SONNET,
    latencyMs: 900,
    costMicros: 6_000,
    outcome: 'ok',
    routing: { reason: 'primary', complexity: 'moderate' },
    correlationId: 'corr-contract',
    at,
    ...fields,
    usage: { inputTokens: 1_000, outputTokens: 200, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, ...usage },
  };
};

/** Meters a call in `ledger` as the gateway does: a reservation (of one token), settled by the call's event. */
export const meterCall = async (
  ledger: UsageLedger,
  tenantId: string,
  at: Date,
  overrides: UsageEventOverrides = {},
): Promise<void> => {
  const unlimited = { monthlyTokenBudget: 1e12, monthlyCostBudgetUsd: 1e9, userRequestsPerMinute: 10_000 };
  const reserved = await ledger.reserve(tenantId, at, { tokens: 1, costMicros: 1 }, unlimited);
  if (!reserved.ok) throw new Error(`reservation refused: ${reserved.exceeded}`);
  await ledger.settle(reserved.reservation, usageEvent(tenantId, at, overrides), 400);
};

/**
 * A gateway over `model` and `ledger` on `clock`, for a use case under test: Sonnet by default, generous limits, the
 * PRICES, no metrics; `settings` overrides any of that.
 */
export const testGateway = (
  model: LanguageModel,
  ledger: UsageLedger,
  clock: () => Date,
  settings: Partial<GatewaySettings> = {},
): ModelGateway =>
  new ModelGateway({
    model,
    ledger,
    cooldowns: new ModelCooldowns(60_000, () => clock().getTime()),
    metrics: () => undefined,
    clock,
    settings: {
      defaultModelId: SONNET,
      defaultTemperature: 0.3,
      defaultMaxTokens: 1024,
      defaultLimits: { monthlyTokenBudget: 1e9, monthlyCostBudgetUsd: 1e6, userRequestsPerMinute: 1000 },
      prices: PRICES,
      retentionDays: 400,
      warningThreshold: 0.8,
      ...settings,
    },
  });
