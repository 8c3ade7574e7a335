/**
 * The nightly run's worker concurrency, derived from the Bedrock token quota. A pure module (no aws-cdk-lib), so the
 * batch simulation (bench/batch-simulation.ts) sizes its workers with the formula the stack deploys.
 */

/** The account's Bedrock token quota and what one tenant's generation takes of it. */
export interface BedrockQuota {
  /** Tokens per minute the account may use on the model (the Bedrock service quota; input + maxTokens count). */
  readonly tokensPerMinute: number;
  /** Tokens one tenant's insights generation takes, input and output (maxTokens reserved) together. */
  readonly tokensPerGeneration: number;
  /** Wall-clock seconds one generation takes. */
  readonly secondsPerGeneration: number;
}

/**
 * Share of the token quota the nightly run plans to use unless CDK context `batchHeadroom` says otherwise; the rest is
 * left for users' own jobs. At the default quota that is ~11 generations a minute (README, Nightly batch: why a larger
 * share only pays at a quota sized for the run).
 */
export const DEFAULT_BATCH_HEADROOM = 0.8;

/** The bounds of an SQS event source's maximum concurrency. */
const SQS_EVENT_SOURCE_CONCURRENCY = { min: 2, max: 1000 } as const;

/**
 * How many workers may run at once so the nightly run stays inside the account's Bedrock token quota.
 *
 * Each worker handles one message (one tenant) at a time and runs one generation at a time, so a busy worker uses
 * `tokensPerGeneration` every `secondsPerGeneration`: `tokensPerGeneration × 60 / secondsPerGeneration` tokens per
 * minute. The quota allows `tokensPerMinute`, of which we plan to use `headroom` (default 0.8; the rest is left for
 * the API's interactive traffic and for generations that run long), so:
 *
 *   maxConcurrency = floor(headroom × tokensPerMinute / (tokensPerGeneration × 60 / secondsPerGeneration))
 *
 * clamped to [2, 1000], the range an SQS event source's maximum concurrency accepts. At the lower clamp the run
 * may briefly exceed the quota; the worker then puts throttled tenants back on the queue with a delay.
 * Defaults (400,000 tokens/min, 9,000 tokens, 20 s): 0.8 × 400,000 / 27,000 = 11.85, so 11 workers.
 */
export const maxConcurrencyFor = ({
  tokensPerMinute,
  tokensPerGeneration,
  secondsPerGeneration,
  headroom = DEFAULT_BATCH_HEADROOM,
}: BedrockQuota & { readonly headroom?: number }): number => {
  for (const [name, value] of Object.entries({ tokensPerMinute, tokensPerGeneration, secondsPerGeneration })) {
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`maxConcurrencyFor: ${name} must be positive, got ${value}`);
  }
  if (!(headroom > 0 && headroom <= 1))
    throw new Error(`maxConcurrencyFor: headroom must be in (0, 1], got ${headroom}`);
  const tokensPerMinutePerWorker = (tokensPerGeneration * 60) / secondsPerGeneration;
  const workers = Math.floor((headroom * tokensPerMinute) / tokensPerMinutePerWorker);
  return Math.min(SQS_EVENT_SOURCE_CONCURRENCY.max, Math.max(SQS_EVENT_SOURCE_CONCURRENCY.min, workers));
};
