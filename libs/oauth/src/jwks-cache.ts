import { createLocalJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';

type KeySet = ReturnType<typeof createLocalJWKSet>;
type JwksSource = () => Promise<{ keys: unknown[] }>;

const REFRESH_MIN_INTERVAL_MS = 1000;

/**
 * Verifies JWTs against this issuer's published keys, kept in memory and refreshed when a token
 * names an unknown kid (at most once a second, one refresh at a time).
 */
export class JwksCache {
  private keySet?: KeySet;
  private lastRefresh = 0;
  private refreshing?: Promise<void>;

  constructor(private readonly source: JwksSource) {}

  /** The payload, or undefined for anything that is not a valid token under `options`. */
  async verify<T extends JWTPayload>(token: string, options: JWTVerifyOptions): Promise<T | undefined> {
    if (!token || token.length > 8192 || token.split('.').length !== 3) return undefined;
    try {
      return await this.verifyWithKnownKeys<T>(token, options);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey && Date.now() - this.lastRefresh > REFRESH_MIN_INTERVAL_MS) {
        await this.refresh();
        return this.verifyWithKnownKeys<T>(token, options).catch(() => undefined);
      }
      return undefined;
    }
  }

  /** Forget the keys (one was rotated). */
  invalidate(): void {
    this.keySet = undefined;
  }

  private async verifyWithKnownKeys<T extends JWTPayload>(token: string, options: JWTVerifyOptions): Promise<T> {
    if (!this.keySet) await this.refresh();
    const { payload } = await jwtVerify(token, this.keySet!, options);
    return payload as T;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.source()
      .then((document) => {
        this.keySet = createLocalJWKSet(document as Parameters<typeof createLocalJWKSet>[0]);
        this.lastRefresh = Date.now();
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
