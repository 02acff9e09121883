/**
 * Polls `probe` until `done` holds or `timeoutMs` passes, then gives the last value: for effects
 * that land a hop later (an event on NATS, a line in a child's log file). The caller asserts on it.
 */
export async function eventually<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}
