import { EventTypes, KeysContract, type KeysApi } from '@argus/contracts';
import { buildEvent, EventBus } from '@argus/events';
import { JwksCache } from '@argus/oauth';
import { nowSeconds, PeriodicPurge } from '@argus/persistence';
import { ArgusConfig, LOGGER, type Logger } from '@argus/platform';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { IsNull, LessThan, MoreThan, Not, type Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

/** 30 days unless the client says otherwise (`refresh_token_ttl`). */
export const DEFAULT_REFRESH_TOKEN_TTL = 30 * 24 * 3600;

export interface RefreshTokenClaims extends JWTPayload {
  jti: string;
  sub: string;
  client_id: string;
  grant_id: string;
  scope: string;
}

export interface RefreshTokenSpec {
  grantId: string;
  clientId: string;
  sub: string;
  scope: string[];
  ttlSeconds?: number;
}

/** A signed refresh token and the row that makes it valid once stored. */
export interface PreparedRefreshToken {
  token: string;
  row: RefreshTokenEntity;
}

export type RotationResult = { kind: 'rotated'; row: RefreshTokenEntity } | { kind: 'reused'; row: RefreshTokenEntity } | { kind: 'invalid' };
export type PresentedState = { kind: 'usable'; row: RefreshTokenEntity } | { kind: 'reused'; row: RefreshTokenEntity } | { kind: 'invalid' };

/**
 * Refresh tokens are signed JWTs (garbage is refused before any lookup) and rows (one per token,
 * a family per grant). Every use rotates, atomically: of two uses of one token exactly one wins.
 */
@Injectable()
export class RefreshTokens implements OnModuleInit, OnApplicationShutdown {
  private readonly jwks: JwksCache;
  private readonly purger: PeriodicPurge;

  constructor(
    @InjectRepository(RefreshTokenEntity, 'token') private readonly tokens: Repository<RefreshTokenEntity>,
    @Inject(KeysContract.token) private readonly keys: KeysApi,
    private readonly events: EventBus,
    private readonly config: ArgusConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.jwks = new JwksCache(() => keys.jwks({}));
    this.purger = new PeriodicPurge('refresh tokens', () => this.purgeExpired(), logger);
  }

  onApplicationShutdown(): void {
    this.purger.stop();
  }

  /** Rows of expired tokens can no longer be presented: rotated ones are kept until then for reuse detection. */
  async purgeExpired(now = nowSeconds()): Promise<number> {
    return (await this.tokens.delete({ expiresAt: LessThan(now) })).affected ?? 0;
  }

  /** A revoked grant (code replay, reuse, revocation) takes its refresh tokens with it. */
  onModuleInit(): void {
    this.purger.start(this.config.ARGUS_PURGE_INTERVAL);
    this.events.subscribe(EventTypes.tokenRevoked, (event) => {
      const grantId = (event.data as { grant_id?: string }).grant_id;
      // Returned, so the in-process bus resolves the revoker's publish only once the family is revoked.
      return grantId ? this.revokeFamily(grantId) : undefined;
    });
  }

  /** The first refresh token of a grant: its family ends ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL from now. */
  async issue(spec: RefreshTokenSpec): Promise<string> {
    const successor = await this.prepare({ ...spec, familyExpiresAt: nowSeconds() + this.config.ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL });
    await this.tokens.insert(successor.row);
    // A family revoked while this successor was being issued (a racing reuse) takes it along:
    // either the revocation sees the new row, or this check sees the revocation.
    if (await this.tokens.exist({ where: { grantId: spec.grantId, revokedAt: Not(IsNull()) } })) await this.revokeFamily(spec.grantId);
    return successor.token;
  }

  /** Signs a refresh token of the family without storing it: it exists once `issue` or `commitRotation` stores it. */
  async prepare(spec: RefreshTokenSpec & { familyExpiresAt: number }): Promise<PreparedRefreshToken> {
    const now = nowSeconds();
    const jti = randomUUID();
    // A rotated token never outlives its family.
    const exp = Math.min(now + (spec.ttlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL), spec.familyExpiresAt);
    const scope = spec.scope.join(' ');
    const row: RefreshTokenEntity = { jti, grantId: spec.grantId, clientId: spec.clientId, sub: spec.sub, scope, expiresAt: exp, familyExpiresAt: spec.familyExpiresAt, rotatedAt: null, revokedAt: null };
    const payload = { iss: this.config.ARGUS_ISSUER, aud: this.config.ARGUS_ISSUER, sub: spec.sub, client_id: spec.clientId, grant_id: spec.grantId, scope, jti, iat: now, exp };
    const { jwt } = await this.keys.sign({ alg: 'ES256', typ: 'rt+jwt', payload });
    return { token: jwt, row };
  }

  find(jti: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.findOne({ where: { jti } });
  }

  /** When the presented token's family ends; a row from before family lifetimes gets one from now. */
  familyExpiry(row: RefreshTokenEntity): number {
    return row.familyExpiresAt ?? nowSeconds() + this.config.ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL;
  }

  verify(token: string): Promise<RefreshTokenClaims | undefined> {
    return this.jwks.verify<RefreshTokenClaims>(token, {
      issuer: this.config.ARGUS_ISSUER,
      audience: this.config.ARGUS_ISSUER,
      typ: 'rt+jwt',
      algorithms: ['ES256'],
      requiredClaims: ['jti', 'sub', 'exp', 'client_id', 'grant_id'],
    });
  }

  /**
   * Commits a rotation, the last step of a refresh: stores the already signed successor, then
   * claims the presented token atomically (of two uses exactly one wins). The successor is stored
   * first so that a family revocation racing this one catches it; a lost claim deletes it again.
   */
  async commitRotation(jti: string, successor: PreparedRefreshToken): Promise<RotationResult> {
    const now = nowSeconds();
    await this.tokens.insert(successor.row);
    const claimed = await this.tokens.update({ jti, rotatedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(now) }, { rotatedAt: now });
    if (claimed.affected) return { kind: 'rotated', row: successor.row };
    await this.tokens.delete({ jti: successor.row.jti });
    const state = this.state(await this.find(jti), now);
    return state.kind === 'usable' ? { kind: 'invalid' } : state;
  }

  /** What presenting this token (again) means. */
  state(row: RefreshTokenEntity | null, now = nowSeconds()): PresentedState {
    if (!row) return { kind: 'invalid' };
    // DESIGN.md / RFC 9700 §4.14.2: any second use of a rotated token is reuse, even a concurrent
    // one; the loser of a race therefore also revokes the winner's new tokens.
    if (row.revokedAt === null && row.rotatedAt !== null) return { kind: 'reused', row };
    if (row.revokedAt !== null || row.expiresAt <= now) return { kind: 'invalid' };
    return { kind: 'usable', row };
  }

  async revokeFamily(grantId: string): Promise<void> {
    await this.tokens.update({ grantId, revokedAt: IsNull() }, { revokedAt: nowSeconds() });
  }

  /** Revokes the family and denylists its access tokens (their `grant_id`) everywhere. */
  async revokeGrant(row: Pick<RefreshTokenEntity, 'grantId' | 'clientId'>, reason: string): Promise<void> {
    // The event first (the durable record introspection replays): if it fails, nothing changed and
    // a retry (another reuse, another revocation request) revokes again.
    const exp = nowSeconds() + DEFAULT_REFRESH_TOKEN_TTL;
    await this.events.publish(buildEvent('token', EventTypes.tokenRevoked, row.grantId, { grant_id: row.grantId, client_id: row.clientId, exp, reason }));
    await this.revokeFamily(row.grantId);
  }
}
