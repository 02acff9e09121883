/**
 * Repeats `attempt` until it returns a value that is not undefined, or fails after `timeoutMs`
 * with `what` in the message. The synchronisation of tests: a condition with a deadline.
 */
export async function pollUntil<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, intervalMs));
  }
}
