import { Argon2SecretHasher, ConcurrencyLimit } from './secret-hasher';

describe(ConcurrencyLimit.name, () => {
  it('runs at most `max` tasks at once, in arrival order, and frees a slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (id: number, fail = false) => limit.run(async () => {
      running += 1;
      peak = Math.max(peak, running);
      order.push(id);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      if (fail) throw new Error(`task ${id} failed`);
      return id;
    });
    const results = await Promise.allSettled([task(1), task(2, true), task(3), task(4), task(5)]);
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });
});

describe(Argon2SecretHasher.name, () => {
  it('verifies through the bound, and an unusable hash verifies nothing', async () => {
    const hasher = new Argon2SecretHasher({ maxConcurrent: 1 });
    const hash = await hasher.hash('correct horse');
    const checks = await Promise.all([hasher.verify(hash, 'correct horse'), hasher.verify(hash, 'wrong'), hasher.verify('!', 'correct horse')]);
    expect(checks).toEqual([true, false, false]);
  });
});
