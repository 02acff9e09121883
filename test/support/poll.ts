import { eventually } from './eventually';

/**
 * Repeats `attempt` until it returns a value that is not undefined, or fails after `timeoutMs`
 * with `what` in the message. The synchronisation of tests: a condition with a deadline.
 */
export async function pollUntil<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const value = await eventually(attempt, (current) => current !== undefined, timeoutMs);
  if (value === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return value;
}
