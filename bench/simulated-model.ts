/**
 * The simulated Bedrock model of the batch simulation: a tokens-per-minute quota over a sliding 60-s window, shared
 * by the nightly run and the users' own jobs, and generations that take a seeded, uniform time.
 */
import { ModelUnavailableError } from '../functions/shared/errors';
import type { VirtualClock } from './simulation';

/** The quota's window, as Bedrock counts tokens per minute. */
const WINDOW_MS = 60_000;
/** A throttled call fails after the Bedrock SDK's own retries (simulated ms). */
export const THROTTLED_CALL_MS = 1_500;

/**
 * Tokens per minute over a sliding window: a call is admitted when the tokens admitted in the last 60 s plus its
 * own fit the quota (Bedrock reserves a call's input + maxTokens when it starts); a refused call takes none.
 */
export class SlidingWindowQuota {
  /** Admitted calls in order, from `first` on still inside the window. */
  private readonly admitted: { readonly at: number; readonly tokens: number }[] = [];
  private first = 0;
  private inWindow = 0;

  constructor(private readonly tokensPerMinute: number) {}

  /** Admits `tokens` at `now` (ms, never decreasing) if they fit; false when the call is throttled. */
  admit(tokens: number, now: number): boolean {
    for (let oldest = this.admitted[this.first]; oldest && oldest.at <= now - WINDOW_MS;) {
      this.inWindow -= oldest.tokens;
      this.first += 1;
      oldest = this.admitted[this.first];
    }
    if (this.inWindow + tokens > this.tokensPerMinute) return false;
    this.admitted.push({ at: now, tokens });
    this.inWindow += tokens;
    return true;
  }
}

/** Who a model call is for: the nightly run or a user's own job. */
export type ModelCaller = 'batch' | 'user';

/** Admitted and throttled calls of one caller. */
export interface CallCounts {
  admitted: number;
  throttled: number;
}

/**
 * One model behind one quota. A generation is admitted or throttled at its start; an admitted one takes between
 * `generationMs.min` and `.max` (uniform, seeded), a throttled one fails with ModelUnavailableError, as the Bedrock
 * adapter raises it, after THROTTLED_CALL_MS.
 */
export class SimulatedModel {
  readonly calls: Record<ModelCaller, CallCounts> = {
    batch: { admitted: 0, throttled: 0 },
    user: { admitted: 0, throttled: 0 },
  };

  constructor(
    private readonly clock: VirtualClock,
    private readonly random: () => number,
    private readonly quota: SlidingWindowQuota,
    readonly tokensPerGeneration: number,
    private readonly generationMs: { readonly min: number; readonly max: number },
  ) {}

  /** Runs one generation for `caller` to its end, or throws ModelUnavailableError when the quota refuses it. */
  async generate(caller: ModelCaller): Promise<void> {
    if (!this.quota.admit(this.tokensPerGeneration, this.clock.elapsed())) {
      this.calls[caller].throttled += 1;
      await this.clock.sleep(THROTTLED_CALL_MS);
      throw new ModelUnavailableError('Too many tokens per minute (simulated ThrottlingException)');
    }
    this.calls[caller].admitted += 1;
    const { min, max } = this.generationMs;
    await this.clock.sleep(min + this.random() * (max - min));
  }
}
