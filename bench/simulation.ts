/** The batch simulation's clock and randomness: simulated time that moves by events, and a seeded generator. */

/** Simulated time, in epoch milliseconds from a fixed start. */
export interface VirtualClock {
  now(): number;
  date(): Date;
  /** Simulated ms since the start. */
  elapsed(): number;
  /** Waits `ms` of simulated time. */
  sleep(ms: number): Promise<void>;
}

/** A task waiting on the clock, and when it wakes. */
interface Sleeper {
  readonly at: number;
  readonly wake: () => void;
}

/**
 * A discrete-event clock: time moves only when every task is waiting on it. `sleep` queues a wake-up; once nothing
 * else can run (a `setImmediate` fires only after the microtasks of the last step have settled), the clock jumps to
 * the earliest wake-up and resumes every task due then. The CPU the simulated code takes costs no simulated time,
 * so the figures depend neither on the machine's load nor on a speed-up factor. Everything run under it must wait
 * on this clock only (in-memory ports, no real timers or I/O), or it would be left behind.
 */
export class EventClock implements VirtualClock {
  private time = 0;
  /** Waiting tasks in order of wake-up, those due at the same time in the order they began to wait. */
  private readonly sleepers: Sleeper[] = [];
  private stepping = false;

  constructor(private readonly start: number) {}

  // Arrow properties, so each can be handed on alone (e.g. as a queue's or a store's clock).
  readonly now = (): number => this.start + this.time;

  readonly date = (): Date => new Date(this.now());

  readonly elapsed = (): number => this.time;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.insert({ at: this.time + Math.max(0, ms), wake });
      if (!this.stepping) {
        this.stepping = true;
        setImmediate(() => this.step());
      }
    });

  /** Moves to the earliest wake-up and resumes the tasks due then; they run (and sleep again) before the next step. */
  private step(): void {
    const first = this.sleepers[0];
    if (!first) {
      this.stepping = false;
      return;
    }
    this.time = Math.max(this.time, first.at);
    let due = 0;
    while (due < this.sleepers.length && (this.sleepers[due] as Sleeper).at <= this.time) due += 1;
    for (const sleeper of this.sleepers.splice(0, due)) sleeper.wake();
    setImmediate(() => this.step());
  }

  /** Keeps the sleepers in order of wake-up (few wait at once: one per worker, so a linear search will do). */
  private insert(sleeper: Sleeper): void {
    let index = this.sleepers.length;
    while (index > 0 && (this.sleepers[index - 1] as Sleeper).at > sleeper.at) index -= 1;
    this.sleepers.splice(index, 0, sleeper);
  }
}
