import { maxConcurrencyFor } from '../../lib/batch-concurrency';

/** The stack's default quota (lib/constructs/batch.ts BATCH_DEFAULTS): 400,000 tokens/min, 9,000 tokens, 20 s. */
const QUOTA = { tokensPerMinute: 400_000, tokensPerGeneration: 9_000, secondsPerGeneration: 20 } as const;

describe('maxConcurrencyFor', () => {
  it('uses 80% of the token quota, one generation per worker at a time', () => {
    // 0.8 × 400,000 / (9,000 × 60 / 20 = 27,000 per worker per minute) = 11.85
    expect(maxConcurrencyFor(QUOTA)).toBe(11);
    expect(maxConcurrencyFor({ ...QUOTA, tokensPerMinute: 2_000_000 })).toBe(59);
    expect(maxConcurrencyFor({ ...QUOTA, headroom: 1 })).toBe(14);
  });

  it('clamps to the 2..1000 range of an SQS event source', () => {
    expect(maxConcurrencyFor({ ...QUOTA, tokensPerMinute: 10_000 })).toBe(2);
    expect(maxConcurrencyFor({ ...QUOTA, tokensPerMinute: 1_000_000_000 })).toBe(1000);
  });

  it('rejects a quota it cannot compute with', () => {
    expect(() => maxConcurrencyFor({ ...QUOTA, secondsPerGeneration: 0 })).toThrow(/secondsPerGeneration/);
    expect(() => maxConcurrencyFor({ ...QUOTA, headroom: 1.5 })).toThrow(/headroom/);
  });
});
