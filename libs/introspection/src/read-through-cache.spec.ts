import { ReadThroughCache } from './read-through-cache';

describe(ReadThroughCache.name, () => {
  it('loads once on first sight, then answers from memory', async () => {
    const load = jest.fn(async (id: string) => ({ id }));
    const cache = new ReadThroughCache(load);
    await cache.get('a');
    await cache.get('a');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not keep a load that raced an event: the event may be newer than what was loaded', async () => {
    let finish!: (value: { enabled: boolean }) => void;
    const load = jest.fn(() => new Promise<{ enabled: boolean }>((resolve) => (finish = resolve)));
    const cache = new ReadThroughCache(load);
    const pending = cache.get('c');
    cache.set('c', { enabled: false }); // the disable event lands while the stale read is in flight
    finish({ enabled: true });
    expect(await pending).toEqual({ enabled: true }); // the concurrent request gets what it read…
    expect(await cache.get('c')).toEqual({ enabled: false }); // …but the event's state is what stays
  });

  it.each(['forget', 'clear'] as const)('%s makes the next get load again', async (method) => {
    const load = jest.fn(async () => ({ v: 1 }));
    const cache = new ReadThroughCache(load);
    await cache.get('a');
    if (method === 'forget') cache.forget('a');
    else cache.clear();
    await cache.get('a');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
