/**
 * The in-memory denylist: revoked token ids and grant ids, each until the expiry of the
 * token it names. Lookups are a Map read; entries are purged once they can no longer matter.
 */
export class Denylist {
  private readonly entries = new Map<string, number>();

  static jtiKey(jti: string): string {
    return `jti:${jti}`;
  }

  static grantKey(grantId: string): string {
    return `grant:${grantId}`;
  }

  add(key: string, expiresAt: number): void {
    const current = this.entries.get(key) ?? 0;
    this.entries.set(key, Math.max(current, expiresAt));
  }

  /** Until when `key` is denylisted, or undefined. */
  expiry(key: string): number | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  isRevoked(claims: { jti?: string; grant_id?: string }): boolean {
    return (
      (claims.jti !== undefined && this.entries.has(Denylist.jtiKey(claims.jti))) ||
      (claims.grant_id !== undefined && this.entries.has(Denylist.grantKey(claims.grant_id)))
    );
  }

  purgeExpired(nowSeconds: number): number {
    let removed = 0;
    for (const [key, expiresAt] of this.entries) {
      if (expiresAt < nowSeconds) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  get size(): number {
    return this.entries.size;
  }
}
