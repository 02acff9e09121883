import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

const WINDOW_SECONDS = 60;

export interface ThrottleLimits {
  /** Failed verifications per (client_id, source address) per minute. */
  failuresPerClientAddress: number;
  /** Failed verifications per source address per minute, whatever the client_id. */
  failuresPerAddress: number;
  /** argon2id verifications per client_id per minute of secrets not known to be good. */
  verificationsPerClient: number;
}

export type ThrottleReason = 'address' | 'client_address' | 'client_budget';

/**
 * Bounds the argon2id CPU that wrong client secrets can cost, without letting anyone who knows a
 * client_id (not a secret, RFC 6749 §2.2) lock the client out. The rule (ClientsService applies it):
 *  - a secret that verified before (verification cache, or the known-good set) is never throttled;
 *  - any other secret gets an argon2id verification only while its source address is under its
 *    failure limits (per address, and per client_id and address) and the client_id still has
 *    verification budget left this minute (against attackers spread over many addresses);
 *  - a refused attempt costs a few map lookups, never argon2.
 * In memory (rate-limiter-flexible): the limits are per clients instance, which is what bounds CPU.
 */
export class AuthenticationThrottle {
  private readonly perAddress: RateLimiterMemory;
  private readonly perClientAddress: RateLimiterMemory;
  private readonly perClient: RateLimiterMemory;

  constructor(readonly limits: ThrottleLimits) {
    this.perAddress = new RateLimiterMemory({ points: limits.failuresPerAddress, duration: WINDOW_SECONDS });
    this.perClientAddress = new RateLimiterMemory({ points: limits.failuresPerClientAddress, duration: WINDOW_SECONDS });
    this.perClient = new RateLimiterMemory({ points: limits.verificationsPerClient, duration: WINDOW_SECONDS });
  }

  /**
   * May a secret that is not known to be good get an argon2id verification now? Spends one unit
   * of the client's verification budget when it may; returns why not otherwise.
   */
  async admit(clientId: string, address: string): Promise<ThrottleReason | undefined> {
    if (used(await this.perAddress.get(address)) >= this.limits.failuresPerAddress) return 'address';
    if (used(await this.perClientAddress.get(pairKey(clientId, address))) >= this.limits.failuresPerClientAddress) return 'client_address';
    try {
      await this.perClient.consume(clientId);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return 'client_budget';
      throw rejection;
    }
  }

  /** Counts a failed verification; true when it used up the address's allowance for this client. */
  async recordFailure(clientId: string, address: string): Promise<boolean> {
    await this.perAddress.penalty(address);
    const pair = await this.perClientAddress.penalty(pairKey(clientId, address));
    return pair.consumedPoints === this.limits.failuresPerClientAddress;
  }
}

function used(res: RateLimiterRes | null): number {
  return res?.consumedPoints ?? 0;
}

function pairKey(clientId: string, address: string): string {
  return `${address}\0${clientId}`;
}
