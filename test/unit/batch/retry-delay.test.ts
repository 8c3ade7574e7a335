import { retryDelaySeconds } from '../../../functions/batch/worker';

describe('retryDelaySeconds', () => {
  it('doubles per attempt with jitter over the upper half, and stays within SQS’s 15 minutes', () => {
    expect([0, 1, 2].map((attempt) => retryDelaySeconds(attempt, () => 0))).toEqual([30, 60, 120]);
    expect([0, 1, 2].map((attempt) => retryDelaySeconds(attempt, () => 1))).toEqual([60, 120, 240]);
    expect(retryDelaySeconds(10, () => 1)).toBe(900);
  });
});
