import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { epochSeconds, tenantKey } from '../dynamo/tables';
import type { ModelPrice } from '../config';
import type { ModelUsage } from '../llm/port';

/** What kind of work a model call served. */
export type RequestType = 'insights' | 'conversation' | 'analysis' | 'nudge' | 'batch';

/** One model call, as metered. */
export interface UsageEvent {
  readonly tenantId: string;
  readonly userId: string;
  readonly requestType: RequestType;
  readonly promptTopic: string;
  readonly promptVersion: string;
  readonly modelId: string;
  readonly usage: ModelUsage;
  readonly latencyMs: number;
  readonly costUsd: number;
  readonly outcome: 'ok' | 'repaired' | 'fallback' | 'failed';
  readonly correlationId: string;
  readonly at: Date;
}

/** Records model usage; never on the critical path of correctness (a failed write is logged by the caller). */
export interface UsageMeter {
  record(event: UsageEvent): Promise<void>;
}

/** Strips an inference-profile prefix (`us.`, `eu.`, `apac.`, `global.`) so one price serves every region. */
export const baseModelId = (modelId: string): string => modelId.replace(/^(us|eu|apac|global|us-gov)\./, '');

/** Estimated USD cost of a call from the per-1K-token price table; 0 for a model with no price. */
export const estimateCostUsd = (
  modelId: string,
  usage: ModelUsage,
  prices: Readonly<Record<string, ModelPrice>>,
): number => {
  const price = prices[modelId] ?? prices[baseModelId(modelId)];
  if (!price) return 0;
  const cost =
    (usage.inputTokens * price.inputPer1k +
      usage.outputTokens * price.outputPer1k +
      usage.cacheReadInputTokens * price.cacheReadPer1k +
      usage.cacheWriteInputTokens * price.cacheWritePer1k) /
    1000;
  return Math.round(cost * 1e6) / 1e6;
};

/** UsageMeter writing one item per call to the usage table, kept for `retentionDays` (TTL). */
export class DynamoUsageMeter implements UsageMeter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async record(event: UsageEvent): Promise<void> {
    const { at, usage, ...rest } = event;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: tenantKey(event.tenantId),
          sk: `EVENT#${at.toISOString()}#${crypto.randomUUID()}`,
          ...rest,
          ...usage,
          at: at.toISOString(),
          expiresAt: epochSeconds(at) + this.retentionDays * 86400,
        },
      }),
    );
  }
}
