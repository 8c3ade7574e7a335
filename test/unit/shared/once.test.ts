import { lazyPort, once, onceAsync } from '../../../functions/shared/once';

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

describe('once, onceAsync and lazyPort', () => {
  it('builds a factory once', () => {
    let builds = 0;
    const value = once(() => ({ build: (builds += 1) }));

    expect(value()).toBe(value());
    expect(builds).toBe(1);
  });

  it('shares one pending build and forgets a failed one so the next call retries', async () => {
    let attempts = 0;
    const value = onceAsync(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('first build fails');
      return attempts;
    });

    await expect(value()).rejects.toThrow('first build fails');
    const [a, b] = await Promise.all([value(), value()]);

    expect([a, b, attempts]).toEqual([2, 2, 2]);
  });

  it('loads the adapter behind a port on the first call of any method, once, and calls it with its own this', async () => {
    let loads = 0;
    class Adapter implements Greeter {
      private calls = 0;
      async greet(name: string): Promise<string> {
        this.calls += 1;
        return `hello ${name}`;
      }
      async count(): Promise<number> {
        return this.calls;
      }
    }
    const port = lazyPort<Greeter>(async () => {
      loads += 1;
      return new Adapter();
    });

    expect(loads).toBe(0);
    const greetings = await Promise.all([port.greet('a'), port.greet('b')]);

    expect(greetings).toEqual(['hello a', 'hello b']);
    expect(await port.count()).toBe(2);
    expect(loads).toBe(1);
  });
});
