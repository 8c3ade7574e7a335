/**
 * The model gateway as the benchmarks run it: the production `ModelGateway` on a `DynamoUsageLedger` (dynalite),
 * with a language model that answers a canned response at once, the settings `modelGateway()` reads from config
 * (functions/shared/adapters.ts) but limits no run reaches, and no metrics. Call only after `startLocalStack`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { gatewaySettings } from '../functions/shared/adapters';
import { config } from '../functions/shared/config';
import type { LanguageModel, StructuredResponse } from '../functions/shared/llm/port';
import { ModelGateway, type GatewaySettings, type UsageMetrics } from '../functions/shared/usage/gateway';
import { DynamoUsageLedger } from '../functions/shared/usage/dynamo-usage-ledger';
import type { TenantLimits, UsageLedger } from '../functions/shared/usage/ledger';
import { ModelCooldowns } from '../functions/shared/usage/routing';

/** The model the canned responses name (priced in the default price table). */
const CANNED_MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

/** Limits no benchmark reaches, so no call is rejected and no budget warning is written. */
const GENEROUS_LIMITS: TenantLimits = {
  monthlyTokenBudget: 1_000_000_000_000,
  monthlyCostBudgetUsd: 1_000_000_000,
  userRequestsPerMinute: 10_000,
};

/** A tool-use response carrying `answerJson`, decoded from JSON as the SDK would. */
export const cannedResponse = (answerJson: string): StructuredResponse => ({
  toolInput: JSON.parse(answerJson) as unknown,
  text: '',
  stopReason: 'tool_use',
  usage: { inputTokens: 2000, outputTokens: 1500, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
  modelId: CANNED_MODEL_ID,
  latencyMs: 0,
});

/** A language model that calls the tool at once with a canned answer. */
export class CannedLanguageModel implements LanguageModel {
  constructor(private readonly answerJson: string) {}

  async generateStructured(): Promise<StructuredResponse> {
    return cannedResponse(this.answerJson);
  }
}

/** Usage metrics that go nowhere. */
const noMetrics: UsageMetrics = () => undefined;

/** The gateway settings of `modelGateway()`, from config, with `GENEROUS_LIMITS` as the default limits. */
const benchGatewaySettings = (): GatewaySettings => ({ ...gatewaySettings(), defaultLimits: GENEROUS_LIMITS });

/** The usage ledger on the config's usage table, through `client` (pass a timed client to time its requests). */
export const benchLedger = (client: DynamoDBDocumentClient): DynamoUsageLedger =>
  new DynamoUsageLedger(client, config().USAGE_TABLE);

/** A real `ModelGateway` on `ledger` and `model`, with fresh cooldowns and the bench settings. */
export const benchGateway = (model: LanguageModel, ledger: UsageLedger): ModelGateway =>
  new ModelGateway({
    model,
    ledger,
    cooldowns: new ModelCooldowns(config().MODEL_COOLDOWN_SECONDS * 1000),
    metrics: noMetrics,
    settings: benchGatewaySettings(),
    clock: () => new Date(),
  });
