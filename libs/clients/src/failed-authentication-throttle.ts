const WINDOW_MS = 60_000;
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Limits how many failed secret verifications a client_id may cause per minute, so wrong
 * secrets cannot make the server spend argon2id time without bound. A correct secret that is
 * already in the verification cache still works while the client_id is throttled.
 */
export class FailedAuthenticationThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly maxFailuresPerWindow: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  isThrottled(clientId: string): boolean {
    const entry = this.failures.get(clientId);
    if (!entry) return false;
    if (this.now() - entry.windowStart >= WINDOW_MS) {
      this.failures.delete(clientId);
      return false;
    }
    return entry.count >= this.maxFailuresPerWindow;
  }

  recordFailure(clientId: string): void {
    const now = this.now();
    const entry = this.failures.get(clientId);
    if (entry && now - entry.windowStart < WINDOW_MS) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= MAX_TRACKED_CLIENTS) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(clientId, { count: 1, windowStart: now });
  }

  reset(clientId: string): void {
    this.failures.delete(clientId);
  }
}
