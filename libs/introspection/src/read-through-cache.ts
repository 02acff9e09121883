import { LRUCache } from 'lru-cache';

/** Enough for every client and active user of a large deployment; the least recently seen go first. */
const MAX_ENTRIES = 100_000;

/**
 * A value per id, loaded on first sight from the service that owns it and then kept current by
 * that service's events, so the steady state reads nothing. A load that raced an event (or a
 * `clear`) is answered but not kept: the event may describe a newer state than the load saw.
 */
export class ReadThroughCache<T extends object> {
  private readonly values = new LRUCache<string, T>({ max: MAX_ENTRIES });
  /** Bumped by every change; a load is kept only if none happened while it was in flight. */
  private version = 0;

  constructor(private readonly load: (id: string) => Promise<T>) {}

  async get(id: string): Promise<T> {
    const known = this.values.get(id);
    if (known !== undefined) return known;
    const version = this.version;
    const value = await this.load(id);
    if (version === this.version) this.values.set(id, value);
    return value;
  }

  set(id: string, value: T): void {
    this.version += 1;
    this.values.set(id, value);
  }

  forget(id: string): void {
    this.version += 1;
    this.values.delete(id);
  }

  /** Events may have been missed (reconnect): everything is loaded again on next sight. */
  clear(): void {
    this.version += 1;
    this.values.clear();
  }
}
