import { LRUCache } from 'lru-cache';
import { secretMac } from './secret-mac';

const MAX_CLIENTS = 100_000;
const MAX_SECRETS_PER_CLIENT = 4;

/**
 * The HMACs (process-local key) of secrets that verified for a client, kept for as long as the
 * secret may be valid, independently of the short verification cache. It never authenticates
 * anyone by itself: it only exempts a secret from the failed-authentication throttle, so argon2id
 * still decides. A remembered secret that no longer verifies (rotated away) is forgotten at once;
 * a disabled or deleted client's secrets are forgotten when that is heard.
 */
export class KnownGoodSecrets {
  private readonly mac = secretMac();
  private readonly byClient = new LRUCache<string, Map<string, number>>({ max: MAX_CLIENTS });

  constructor(private readonly now: () => number = () => Date.now()) {}

  has(clientId: string, secret: string): boolean {
    const validUntil = this.byClient.get(clientId)?.get(this.mac(clientId, secret));
    return validUntil !== undefined && validUntil > this.now();
  }

  remember(clientId: string, secret: string, validUntilMs = Number.POSITIVE_INFINITY): void {
    let macs = this.byClient.get(clientId);
    if (!macs) {
      macs = new Map();
      this.byClient.set(clientId, macs);
    }
    if (macs.size >= MAX_SECRETS_PER_CLIENT) macs.delete(macs.keys().next().value!);
    macs.set(this.mac(clientId, secret), validUntilMs);
  }

  forget(clientId: string, secret: string): void {
    this.byClient.get(clientId)?.delete(this.mac(clientId, secret));
  }

  forgetClient(clientId: string): void {
    this.byClient.delete(clientId);
  }
}
