import {
  EventTypes,
  type ClientChangedData,
  type InspectRequest,
  type IntrospectRequest,
  type IntrospectionApi,
  type IntrospectionResponse,
  type RevokeRequest,
  type TokenRevokedData,
  ClientsContract,
  type ClientsApi,
  TokenContract,
  type TokenApi,
} from '@argus/contracts';
import { buildEvent, EventBus } from '@argus/events';
import { UnauthorizedClient } from '@argus/oauth';
import { nowSeconds, PeriodicPurge } from '@argus/persistence';
import { ArgusConfig, LOGGER, type Logger } from '@argus/platform';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThanOrEqual, type Repository } from 'typeorm';
import { AccessTokenVerifier, type AccessTokenClaims } from './access-token.verifier';
import { ClientStatusCache } from './client-status.cache';
import { Denylist } from './denylist';
import { RevocationEntity } from './revocation.entity';

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * RFC 7662 introspection and RFC 7009 revocation. Active = valid signature, not expired, not on
 * the denylist, client still registered and enabled; in the steady state nothing is read from
 * the database.
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
    private readonly events: EventBus,
    private readonly config: ArgusConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.purger = new PeriodicPurge('denylist', () => this.purgeExpired(), logger);
  }

  /** Subscribe first, then seed: a revocation made while seeding is not missed. */
  async onModuleInit(): Promise<void> {
    this.events.subscribe(EventTypes.tokenRevoked, (event) => this.applyRevocation(event.data as unknown as TokenRevokedData));
    this.events.subscribe('client.*', (event) => this.applyClientChange(event.type, event.data as unknown as ClientChangedData));
    this.events.subscribe(EventTypes.keyRotated, () => this.verifier.invalidate());
    const rows = await this.revocations.find({ where: { expiresAt: MoreThanOrEqual(nowSeconds()) } });
    for (const row of rows) this.denylist.add(row.key, row.expiresAt);
    this.purger.start(this.config.ARGUS_DENYLIST_PURGE_INTERVAL);
  }

  onApplicationShutdown(): void {
    this.purger.stop();
  }

  /** RFC 7662 §2.1: the caller authenticates as a client. */
  async introspect({ credentials, client_ip, token }: IntrospectRequest): Promise<IntrospectionResponse> {
    await this.clients.authenticate({ credentials, client_ip });
    return this.inspect({ token });
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
    await this.revocations
      .createQueryBuilder()
      .insert()
      .values({ key: Denylist.jtiKey(claims.jti), clientId: claims.client_id, expiresAt: claims.exp, revokedAt: nowSeconds() })
      .orIgnore()
      .execute();
    this.applyRevocation(data);
    await this.events.publish(buildEvent('introspection', EventTypes.tokenRevoked, claims.jti, data));
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
    if (!(await this.clientStatus.isEnabled(claims.client_id))) return undefined;
    return claims;
  }

  private applyRevocation(data: TokenRevokedData): void {
    if (data.jti) this.denylist.add(Denylist.jtiKey(data.jti), data.exp);
    if (data.grant_id) this.denylist.add(Denylist.grantKey(data.grant_id), data.exp);
  }

  private applyClientChange(type: string, data: ClientChangedData): void {
    if (type.endsWith(EventTypes.clientDeleted)) this.clientStatus.set(data.client_id, false);
    else if (data.enabled !== undefined) this.clientStatus.set(data.client_id, data.enabled);
    else this.clientStatus.forget(data.client_id);
  }
}
