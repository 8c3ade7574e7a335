import { PendingWrites } from '../../../functions/shared/pending-writes';

describe('PendingWrites', () => {
  it('settles every tracked write, including ones tracked while settling', async () => {
    const pending = new PendingWrites();
    const done: string[] = [];
    const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    pending.track(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          done.push('first');
          pending.track(
            Promise.resolve().then(() => void done.push('second')),
            {},
            log,
          );
          resolve();
        }, 5),
      ),
      {},
      log,
    );

    await pending.settle();

    expect(done).toEqual(['first', 'second']);
  });

  it('logs a failed write with its description instead of failing the request', async () => {
    const errors: unknown[] = [];
    const log = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (...args: unknown[]) => errors.push(args),
    };
    const pending = new PendingWrites();
    pending.track(Promise.reject(new Error('throttled')), { usageEvent: { tenantId: 't1' } }, log);

    await expect(pending.settle()).resolves.toBeUndefined();
    expect(JSON.stringify(errors)).toContain('t1');
  });
});
