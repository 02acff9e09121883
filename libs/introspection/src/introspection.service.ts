import {
  EventTypes,
  type CloudEvent,
  type ClientChangedData,
  type InspectRequest,
  type IntrospectRequest,
  type IntrospectionApi,
  type IntrospectionResponse,
  type RevokeRequest,
  type TokenRevokedData,
  type UserChangedData,
  ClientsContract,
  type ClientsApi,
  TokenContract,
  type TokenApi,
} from '@argus/contracts';
import { buildEvent, EventBus, shortType } from '@argus/events';
import { InvalidClient, UnauthorizedClient } from '@argus/oauth';
import { nowSeconds, PeriodicPurge } from '@argus/persistence';
import { ArgusConfig, LOGGER, type Logger } from '@argus/platform';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThanOrEqual, type Repository } from 'typeorm';
import { AccessTokenVerifier, type AccessTokenClaims } from './access-token.verifier';
import { ClientStatusCache } from './client-status.cache';
import { Denylist } from './denylist';
import { mayIntrospect, withinScope } from './introspection-policy';
import { UserStatusCache } from './user-status.cache';
import { RevocationEntity } from './revocation.entity';

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * RFC 7662 introspection and RFC 7009 revocation. Active = valid signature, not expired, not on
 * the denylist, client still registered and enabled with the token's scope still in its own,
 * user (for tokens born from a user grant) still existing and enabled; in the steady state
 * nothing is read from a database.
 *
 * Revocations are durable: every `token.revoked` (token, grant) is written to the revocation
 * table by every instance that hears it, and each instance, at start, loads the table and then
 * replays the retained `token.revoked` events (JetStream) before it answers, so a revocation made
 * while no introspection instance ran, or while this one was starting, is never lost.
 */
@Injectable()
export class IntrospectionService implements IntrospectionApi, OnModuleInit, OnApplicationShutdown {
  private readonly denylist = new Denylist();
  private readonly purger: PeriodicPurge;

  constructor(
    @InjectRepository(RevocationEntity, 'introspection') private readonly revocations: Repository<RevocationEntity>,
    @Inject(ClientsContract.token) private readonly clients: ClientsApi,
    @Inject(TokenContract.token) private readonly tokens: TokenApi,
    private readonly verifier: AccessTokenVerifier,
    private readonly clientStatus: ClientStatusCache,
    private readonly userStatus: UserStatusCache,
    private readonly events: EventBus,
    private readonly config: ArgusConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.purger = new PeriodicPurge('denylist', () => this.purgeExpired(), logger);
  }

  /** Live events first, then the table, then the replay of retained revocations: no gap between them. */
  async onModuleInit(): Promise<void> {
    const record = (event: CloudEvent) => this.recordRevocation(event.data as unknown as TokenRevokedData);
    this.events.subscribe(EventTypes.tokenRevoked, record);
    this.events.subscribe('client.*', (event) => this.clientStatus.apply(shortType(event), event.data as unknown as ClientChangedData));
    for (const type of [EventTypes.userUpdated, EventTypes.userDeleted]) {
      this.events.subscribe(type, (event) => this.userStatus.apply(type, event.data as unknown as UserChangedData));
    }
    this.events.subscribe(EventTypes.keyRotated, () => this.verifier.invalidate());
    this.events.onMissedEvents(() => {
      this.clientStatus.clear();
      this.userStatus.clear();
    });
    const rows = await this.revocations.find({ where: { expiresAt: MoreThanOrEqual(nowSeconds()) } });
    for (const row of rows) this.denylist.add(row.key, row.expiresAt);
    await this.events.replay(EventTypes.tokenRevoked, record);
    this.purger.start(this.config.ARGUS_DENYLIST_PURGE_INTERVAL);
  }

  onApplicationShutdown(): void {
    this.purger.stop();
  }

  /** RFC 7662 §2.1: a confidential client authenticates; what it may learn is `mayIntrospect`. */
  async introspect({ credentials, client_ip, token }: IntrospectRequest): Promise<IntrospectionResponse> {
    const caller = await this.clients.authenticate({ credentials, client_ip });
    if (caller.token_endpoint_auth_method === 'none') {
      throw new InvalidClient('a public client may not introspect tokens: introspection requires a client secret (RFC 7662 §2.1)');
    }
    const answer = await this.inspect({ token });
    return answer.active && mayIntrospect(caller, answer) ? answer : INACTIVE;
  }

  /** The same checks for a token presented to this server itself (admin API Bearer). */
  async inspect({ token }: InspectRequest): Promise<IntrospectionResponse> {
    const claims = await this.activeClaims(token);
    if (!claims) return INACTIVE;
    return {
      active: true,
      scope: claims.scope ?? '',
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      jti: claims.jti,
      token_type: 'Bearer',
      ...(claims.grant_id ? { grant_id: claims.grant_id } : {}),
    };
  }

  /**
   * RFC 7009 §2.1: invalid or unknown tokens are answered with success; a token issued to
   * another client is refused. The token's jti is denylisted until the token expires.
   */
  async revoke({ credentials, client_ip, token }: RevokeRequest): Promise<{ revoked: boolean }> {
    const caller = await this.clients.authenticate({ credentials, client_ip });
    const claims = await this.verifier.verify(token);
    // Not one of our access tokens: perhaps a refresh token, which the token service owns.
    if (!claims?.jti || !claims.exp) return this.tokens.revokeRefreshToken({ token, client_id: caller.client_id });
    if (claims.client_id !== caller.client_id) {
      throw new UnauthorizedClient('the token was not issued to this client');
    }
    if (this.denylist.has(Denylist.jtiKey(claims.jti))) return { revoked: true };
    const data: TokenRevokedData = { jti: claims.jti, client_id: claims.client_id, exp: claims.exp };
    // Published first: if JetStream cannot take it, nothing is recorded and the client's retry
    // starts over, instead of finding the token "already revoked" here while no other instance knows.
    await this.events.publish(buildEvent('introspection', EventTypes.tokenRevoked, claims.jti, data));
    await this.recordRevocation(data);
    return { revoked: true };
  }

  /** Deletes denylist rows whose tokens have expired: the table does not grow with tokens issued. */
  async purgeExpired(now = nowSeconds()): Promise<number> {
    this.denylist.purgeExpired(now);
    try {
      const result = await this.revocations.delete({ expiresAt: LessThan(now) });
      return result.affected ?? 0;
    } catch (err) {
      this.logger.error({ err }, 'denylist purge failed');
      return 0;
    }
  }

  private async activeClaims(token: string): Promise<AccessTokenClaims | undefined> {
    const claims = await this.verifier.verify(token);
    if (!claims || this.denylist.isRevoked(claims)) return undefined;
    const client = await this.clientStatus.get(claims.client_id);
    if (!client.enabled) return undefined;
    if (client.scope && !withinScope(claims.scope, client.scope)) return undefined;
    // A token born from a user grant dies with the user's account (disabled or deleted).
    if (claims.grant_id && !(await this.userStatus.isActive(claims.sub!))) return undefined;
    return claims;
  }

  /** Denylists and persists a revocation; idempotent (an event can arrive live and by replay). */
  private async recordRevocation(data: TokenRevokedData): Promise<void> {
    const keys = [data.jti && Denylist.jtiKey(data.jti), data.grant_id && Denylist.grantKey(data.grant_id)].filter((k): k is string => Boolean(k));
    for (const key of keys) {
      if ((this.denylist.expiry(key) ?? 0) >= data.exp) continue;
      this.denylist.add(key, data.exp);
      await this.revocations
        .createQueryBuilder()
        .insert()
        .values({ key, clientId: data.client_id, expiresAt: data.exp, revokedAt: nowSeconds() })
        .orIgnore()
        .execute();
    }
  }
}
