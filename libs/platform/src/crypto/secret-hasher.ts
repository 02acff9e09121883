import * as argon2 from 'argon2';

/** Hashes and verifies secrets and passwords; services never import argon2 themselves. */
export abstract class SecretHasher {
  abstract hash(secret: string): Promise<string>;
  abstract verify(hash: string, secret: string): Promise<boolean>;
}

export interface Argon2Options {
  /**
   * At most this many argon2 computations at once (default: no bound). argon2 runs on libuv's
   * thread pool (4 threads), which WebCrypto signing shares: unbounded password guessing would
   * starve token signing.
   */
  maxConcurrent?: number;
}

/** argon2id at the library's defaults (memory-hard; tens of milliseconds per call by design). */
export class Argon2SecretHasher extends SecretHasher {
  private readonly slots: ConcurrencyLimit | undefined;

  constructor(options: Argon2Options = {}) {
    super();
    this.slots = options.maxConcurrent ? new ConcurrencyLimit(options.maxConcurrent) : undefined;
  }

  async hash(secret: string): Promise<string> {
    return this.bounded(() => argon2.hash(secret, { type: argon2.argon2id }));
  }

  async verify(hash: string, secret: string): Promise<boolean> {
    try {
      return await this.bounded(() => argon2.verify(hash, secret));
    } catch {
      return false;
    }
  }

  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.slots ? this.slots.run(work) : work();
  }
}

/**
 * A FIFO semaphore. Hand-written (a dozen lines) because p-limit is not a direct dependency of
 * this project and rate-limiter-flexible limits rates, not concurrency.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
