import { ArgusConfig } from '@argus/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { usernameKey } from '../users/users.service';

/** How long failed sign-ins of one username count while no sign-in succeeds. */
const ACCOUNT_WINDOW_SECONDS = 24 * 3600;
/** The window of ARGUS_LOGIN_FAILURES_PER_ADDRESS. */
const ADDRESS_WINDOW_SECONDS = 3600;

export type LockReason = 'account' | 'address';

export interface Lock {
  reason: LockReason;
  /** Seconds until sign-in is allowed again. */
  retry_after: number;
  /** Whether this failure started the lock (the first one over the limit). */
  started?: boolean;
}

/**
 * RFC 6749 §10.10: limits password guessing per username and per client address. The counters
 * live in the authorization database (table `login_throttle`, rate-limiter-flexible's layout), so
 * every authorization instance sees the same counts. A username is counted whether or not the
 * account exists (only its hash is stored: people type passwords into the username field).
 */
@Injectable()
export class LoginThrottle {
  private readonly byAccount: RateLimiterStoreAbstract;
  private readonly byAddress: RateLimiterStoreAbstract;

  constructor(@InjectDataSource('authorization') dataSource: DataSource, config: ArgusConfig) {
    const lock = config.ARGUS_LOGIN_LOCK_SECONDS;
    // The Nth failure exceeds N-1 points, which blocks the key for `lock` seconds from then.
    this.byAccount = sharedLimiter(dataSource, { keyPrefix: 'account', points: config.ARGUS_LOGIN_FAILURES_PER_ACCOUNT - 1, duration: ACCOUNT_WINDOW_SECONDS, blockDuration: lock });
    this.byAddress = sharedLimiter(dataSource, { keyPrefix: 'address', points: config.ARGUS_LOGIN_FAILURES_PER_ADDRESS - 1, duration: ADDRESS_WINDOW_SECONDS, blockDuration: lock });
  }

  /** The lock in force for this username or address, if any (read only: a locked attempt costs nothing more). */
  async lockFor(username: string, address: string): Promise<Lock | null> {
    const [account, source] = await Promise.all([this.byAccount.get(accountKey(username)), this.byAddress.get(address)]);
    if (isLocked(this.byAccount, account)) return { reason: 'account', retry_after: secondsLeft(account!) };
    if (isLocked(this.byAddress, source)) return { reason: 'address', retry_after: secondsLeft(source!) };
    return null;
  }

  /** Counts a failed sign-in; returns the lock in force after it, if this failure was one too many. */
  async recordFailure(username: string, address: string): Promise<Lock | null> {
    const [account, source] = await Promise.all([consume(this.byAccount, accountKey(username)), consume(this.byAddress, address)]);
    if (account) return { reason: 'account', retry_after: secondsLeft(account), started: account.consumedPoints === this.byAccount.points + 1 };
    if (source) return { reason: 'address', retry_after: secondsLeft(source), started: source.consumedPoints === this.byAddress.points + 1 };
    return null;
  }

  /** A successful sign-in ends the username's run of failures (the address count stays). */
  async recordSuccess(username: string): Promise<void> {
    await this.byAccount.delete(accountKey(username));
  }
}

interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration: number;
}

/** The table is created by the LoginThrottle migration, not by the library. */
function sharedLimiter(dataSource: DataSource, options: LimiterOptions): RateLimiterStoreAbstract {
  const table = { tableName: 'login_throttle', tableCreated: true, ...options };
  if (dataSource.options.type === 'postgres') {
    const schema = (dataSource.options as { schema?: string }).schema;
    return new RateLimiterPostgres({ ...table, storeClient: dataSource, storeType: 'typeorm', schemaName: schema });
  }
  const connection = (dataSource.driver as unknown as { databaseConnection: unknown }).databaseConnection;
  return new RateLimiterSQLite({ ...table, storeClient: connection, storeType: 'better-sqlite3' });
}

function accountKey(username: string): string {
  return createHash('sha256').update(usernameKey(username)).digest('base64url');
}

function isLocked(limiter: RateLimiterStoreAbstract, state: RateLimiterRes | null): boolean {
  return state !== null && state.consumedPoints > limiter.points;
}

function secondsLeft(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}

/** Consumes one point; a rejection carrying a RateLimiterRes means the key is now blocked. */
async function consume(limiter: RateLimiterStoreAbstract, key: string): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}
