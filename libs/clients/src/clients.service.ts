import {
  EventTypes,
  type AuthenticateClientRequest,
  type AuthenticatedClient,
  type ClientIdRequest,
  type ClientMetadata,
  type ClientPage,
  type ClientStatus,
  type ClientsApi,
  type CreateClientRequest,
  type CloudEvent,
  type ListClientsRequest,
  type OriginAllowed,
  type OriginAllowedRequest,
  type RegisteredClient,
  type RegisteredClientWithSecret,
  type RotateSecretRequest,
  type RotatedSecret,
  type UpdateClientRequest,
} from '@argus/contracts';
import { buildEvent, EventBus } from '@argus/events';
import { InvalidClient, InvalidClientMetadata, InvalidRequest, NotFound, type PresentedClientCredentials } from '@argus/oauth';
import { nowSeconds } from '@argus/persistence';
import { ArgusConfig, clientSecretChecks, LOGGER, SecretHasher, type Logger } from '@argus/platform';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { MoreThan, type Repository } from 'typeorm';
import { allowedIpList, ClientAuthCache, ipAllowed, type ClientAuthRecord } from './client-auth-cache';
import { ClientEntity } from './client.entity';
import { normalizeClientMetadata, registrationWarnings } from './client-metadata';
import { ClientOrigins } from './client-origins';
import { AuthenticationThrottle } from './authentication-throttle';
import { KnownGoodSecrets } from './known-good-secrets';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const ADMIN_SCOPE = 'argus:admin';
/** The bootstrap admin client's id when ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID is not set. */
export const DEFAULT_ADMIN_CLIENT_ID = 'argus-admin';
const ADMIN_METADATA = { client_name: 'Argus bootstrap admin', grant_types: ['client_credentials'], scope: ADMIN_SCOPE };

/** What starting with (or without) ARGUS_BOOTSTRAP_ADMIN_* did to the admin client. */
export type BootstrapAdminOutcome =
  | { status: 'created'; client_id: string; client_secret: string }
  | { status: 'unchanged'; client_id: string }
  | { status: 'secret_applied'; client_id: string };

/** Why a client authentication failed: logged (with client_id and address), never sent. */
type RefusalReason = 'unknown_client' | 'disabled' | 'wrong_method' | 'address_not_allowed' | 'missing_secret' | 'wrong_secret' | 'throttled';

/** 256 bits from the CSPRNG, base64url: the only form a secret ever has outside a hash. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

@Injectable()
export class ClientsService implements ClientsApi, OnModuleInit {
  private readonly cache: ClientAuthCache;
  private readonly throttle: AuthenticationThrottle;
  private readonly knownGood = new KnownGoodSecrets();
  /** Coalesces concurrent argon2id verifications of the same presented secret. */
  private readonly inflight = new Map<string, Promise<{ validUntilMs?: number } | null>>();

  constructor(
    @InjectRepository(ClientEntity, 'clients') private readonly clients: Repository<ClientEntity>,
    private readonly hasher: SecretHasher,
    private readonly events: EventBus,
    config: ArgusConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly origins: ClientOrigins,
  ) {
    this.cache = new ClientAuthCache(config.ARGUS_SECRET_CACHE_TTL);
    this.throttle = new AuthenticationThrottle({
      failuresPerClientAddress: config.ARGUS_AUTH_FAILURES_PER_MINUTE,
      failuresPerAddress: config.ARGUS_AUTH_FAILURES_PER_ADDRESS_PER_MINUTE,
      verificationsPerClient: config.ARGUS_AUTH_VERIFICATIONS_PER_CLIENT_PER_MINUTE,
    });
  }

  onModuleInit(): void {
    // Another instance changed a client: forget what this one remembered about it.
    this.events.subscribe('client.*', (event) => this.forgetChanged(event));
  }

  private forgetChanged(event: CloudEvent): void {
    const { client_id: clientId, enabled } = event.data as { client_id?: string; enabled?: boolean };
    if (!clientId) return;
    this.cache.drop(clientId);
    if (enabled === false) this.knownGood.forgetClient(clientId);
  }

  /**
   * RFC 6749 §2.3.1 / §3.2.1: authenticates the client at the token, introspection and revocation
   * endpoints. A confidential client may present its secret either way (client_secret_basic or
   * client_secret_post, whichever it registered): libraries differ in which they send, and both
   * carry the same secret over TLS. A public client (none) never presents a secret, and a
   * confidential client never authenticates with none.
   */
  async authenticate({ credentials, client_ip }: AuthenticateClientRequest): Promise<AuthenticatedClient> {
    const record = await this.authRecord(credentials.client_id);
    if (!record) throw this.refuse('unknown_client', credentials, client_ip);
    const { metadata } = record;
    if (!metadata.enabled) throw this.refuse('disabled', credentials, client_ip, 'client is disabled');
    const isPublic = metadata.token_endpoint_auth_method === 'none';
    if (isPublic && credentials.method !== 'none') {
      throw this.refuse('wrong_method', credentials, client_ip, 'this is a public client (token_endpoint_auth_method none): it has no secret to present');
    }
    if (!isPublic && credentials.method === 'none') {
      throw this.refuse('missing_secret', credentials, client_ip, 'client_secret is required for this client (client_secret_basic or client_secret_post)');
    }
    if (!ipAllowed(record.allowedIps, client_ip)) {
      throw this.refuse('address_not_allowed', credentials, client_ip, 'client is not allowed to authenticate from this address');
    }
    if (!isPublic) await this.verifySecret(record, credentials, client_ip);
    return {
      client_id: record.clientId,
      grant_types: metadata.grant_types,
      scope: metadata.scope.split(' ').filter(Boolean),
      token_endpoint_auth_method: metadata.token_endpoint_auth_method,
      access_token_ttl: metadata.access_token_ttl,
      refresh_token_ttl: metadata.refresh_token_ttl,
      id_token_signed_response_alg: metadata.id_token_signed_response_alg,
    };
  }

  async create({ metadata: input }: CreateClientRequest, fixed?: { clientId: string; secret: string }): Promise<RegisteredClientWithSecret> {
    const metadata = normalizeClientMetadata(input);
    const clientId = fixed?.clientId ?? randomBytes(16).toString('base64url');
    const secret = metadata.token_endpoint_auth_method === 'none' ? undefined : (fixed?.secret ?? newSecret());
    const now = nowSeconds();
    await this.clients.insert({
      clientId,
      metadata: JSON.stringify(metadata),
      owner: metadata.owner ?? null,
      enabled: metadata.enabled,
      secretHash: secret ? await this.hasher.hash(secret) : null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.origins.record(clientId, metadata);
    await this.publish(EventTypes.clientCreated, clientId, { client_id: clientId, enabled: metadata.enabled });
    if (secret) this.knownGood.remember(clientId, secret);
    const registered = { ...toRegistered(clientId, metadata, now, now), ...withWarnings(metadata) };
    return secret ? { ...registered, client_secret: secret, client_secret_expires_at: 0 } : registered;
  }

  async list({ limit, cursor, owner }: ListClientsRequest): Promise<ClientPage> {
    const size = limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new InvalidRequest(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.clients.find({
      where: { ...(after !== undefined ? { clientId: MoreThan(after) } : {}), ...(owner !== undefined ? { owner } : {}) },
      order: { clientId: 'ASC' },
      take: size + 1,
    });
    const page = rows.slice(0, size);
    return {
      items: page.map(fromEntity),
      next_cursor: rows.length > size ? encodeCursor(page[page.length - 1].clientId) : undefined,
    };
  }

  async get({ client_id }: ClientIdRequest): Promise<RegisteredClient> {
    return fromEntity(await this.load(client_id));
  }

  async update({ client_id, patch }: UpdateClientRequest): Promise<RegisteredClient> {
    const entity = await this.load(client_id);
    const current = JSON.parse(entity.metadata) as ClientMetadata;
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new InvalidClientMetadata('the request body must be a JSON object of client metadata');
    }
    const metadata = normalizeClientMetadata({ ...current, ...patch });
    if ((current.token_endpoint_auth_method === 'none') !== (metadata.token_endpoint_auth_method === 'none')) {
      throw new InvalidClientMetadata('token_endpoint_auth_method: cannot change between a public (none) and a confidential method; register a new client');
    }
    const updatedAt = nowSeconds();
    await this.clients.update({ clientId: client_id }, {
      metadata: JSON.stringify(metadata),
      owner: metadata.owner ?? null,
      enabled: metadata.enabled,
      updatedAt,
    });
    await this.origins.record(client_id, metadata);
    this.cache.drop(client_id);
    const changed = Object.keys(metadata).filter((k) => JSON.stringify(metadata[k as keyof ClientMetadata]) !== JSON.stringify(current[k as keyof ClientMetadata]));
    await this.publish(EventTypes.clientUpdated, client_id, { client_id, enabled: metadata.enabled, changed });
    return { ...toRegistered(client_id, metadata, entity.createdAt, updatedAt), ...withWarnings(metadata) };
  }

  async rotateSecret({ client_id, grace_period_seconds }: RotateSecretRequest): Promise<RotatedSecret> {
    const grace = grace_period_seconds ?? 0;
    if (!Number.isInteger(grace) || grace < 0 || grace > 2_592_000) {
      throw new InvalidRequest('grace_period_seconds must be an integer from 0 to 2592000');
    }
    const entity = await this.load(client_id);
    if (!entity.secretHash) throw new InvalidRequest('a public client has no secret to rotate');
    const secret = newSecret();
    const previousValidUntil = await this.replaceSecret(entity, secret, grace);
    return { client_id, client_secret: secret, client_secret_expires_at: 0, previous_secret_valid_until: previousValidUntil };
  }

  /**
   * Stores a new secret; the previous one stays valid for `grace` seconds (0: not at all).
   * Secrets remembered as known-good that no longer verify are forgotten at their next use.
   */
  private async replaceSecret(entity: ClientEntity, secret: string, grace: number, extra: Partial<ClientEntity> = {}): Promise<number | undefined> {
    const now = nowSeconds();
    await this.clients.update({ clientId: entity.clientId }, {
      ...extra,
      secretHash: await this.hasher.hash(secret),
      previousSecretHash: grace > 0 ? entity.secretHash : null,
      previousSecretExpiresAt: grace > 0 ? now + grace : null,
      updatedAt: now,
    });
    this.cache.drop(entity.clientId);
    await this.publish(EventTypes.clientSecretRotated, entity.clientId, { client_id: entity.clientId, grace_period_seconds: grace });
    this.knownGood.remember(entity.clientId, secret);
    return grace > 0 ? now + grace : undefined;
  }

  async remove({ client_id }: ClientIdRequest): Promise<{ deleted: true }> {
    const result = await this.clients.delete({ clientId: client_id });
    if (!result.affected) throw new NotFound(`no client with client_id ${client_id}`);
    await this.origins.forget(client_id);
    this.cache.drop(client_id);
    await this.publish(EventTypes.clientDeleted, client_id, { client_id, enabled: false });
    return { deleted: true };
  }

  async status({ client_id }: ClientIdRequest): Promise<ClientStatus> {
    const row = await this.clients.findOne({ where: { clientId: client_id }, select: { clientId: true, enabled: true, metadata: true } });
    const scope = row ? (JSON.parse(row.metadata) as { scope: string }).scope.split(' ').filter(Boolean) : [];
    return { client_id, exists: row !== null, enabled: row?.enabled ?? false, scope };
  }

  originAllowed(request: OriginAllowedRequest): Promise<OriginAllowed> {
    return this.origins.allowed(request);
  }

  /**
   * API.md: the first admin client. With ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID/SECRET (`fixed`) the client
   * is created with that secret, and an existing one whose stored secret differs gets the configured
   * secret applied (a rotation without grace): the variable is the source of truth, never ignored.
   * Without them, `argus-admin` is created with a generated secret if it does not exist.
   */
  async ensureBootstrapAdmin(fixed?: { clientId: string; secret: string }): Promise<BootstrapAdminOutcome> {
    const clientId = fixed?.clientId ?? DEFAULT_ADMIN_CLIENT_ID;
    const existing = await this.clients.findOne({ where: { clientId } });
    if (!existing) {
      const secret = fixed?.secret ?? newSecret();
      try {
        await this.create({ metadata: ADMIN_METADATA }, { clientId, secret });
        return { status: 'created', client_id: clientId, client_secret: secret };
      } catch (err) {
        // Another instance bootstrapped it at the same moment.
        if (await this.clients.exist({ where: { clientId } })) return this.ensureBootstrapAdmin(fixed);
        throw err;
      }
    }
    if (!fixed || (existing.secretHash && (await this.hasher.verify(existing.secretHash, fixed.secret)))) {
      return { status: 'unchanged', client_id: clientId };
    }
    if (!existing.secretHash) throw new InvalidRequest(`client ${clientId} is a public client and cannot be the admin client`);
    await this.replaceSecret(existing, fixed.secret, 0);
    return { status: 'secret_applied', client_id: clientId };
  }

  /**
   * The operator's recovery for a lost admin secret: a new secret for the admin client (rotation
   * without grace, so the old one stops working), re-enabled if it was disabled; created if missing.
   * Refuses a client that is not an admin client rather than promote it silently.
   */
  async resetAdminSecret(clientId = DEFAULT_ADMIN_CLIENT_ID): Promise<{ client_id: string; client_secret: string; created: boolean }> {
    const existing = await this.clients.findOne({ where: { clientId } });
    if (!existing) {
      const created = await this.ensureBootstrapAdmin({ clientId, secret: newSecret() });
      if (created.status !== 'created') return this.resetAdminSecret(clientId);
      return { client_id: clientId, client_secret: created.client_secret, created: true };
    }
    const metadata = JSON.parse(existing.metadata) as ClientMetadata;
    if (!existing.secretHash || !metadata.scope.split(' ').includes(ADMIN_SCOPE) || !metadata.grant_types.includes('client_credentials')) {
      throw new InvalidRequest(`client ${clientId} is not an admin client (a confidential client_credentials client with scope ${ADMIN_SCOPE})`);
    }
    const secret = newSecret();
    const enable = metadata.enabled ? {} : { enabled: true, metadata: JSON.stringify({ ...metadata, enabled: true }) };
    await this.replaceSecret(existing, secret, 0, enable);
    if (!metadata.enabled) await this.publish(EventTypes.clientUpdated, clientId, { client_id: clientId, enabled: true, changed: ['enabled'] });
    return { client_id: clientId, client_secret: secret, created: false };
  }

  private async authRecord(clientId: string): Promise<ClientAuthRecord | undefined> {
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    const entity = await this.clients.findOne({ where: { clientId } });
    if (!entity) return undefined;
    const metadata = JSON.parse(entity.metadata) as ClientMetadata;
    const record: ClientAuthRecord = {
      clientId,
      metadata,
      secretHash: entity.secretHash,
      previousSecretHash: entity.previousSecretHash,
      previousSecretExpiresAt: entity.previousSecretExpiresAt,
      allowedIps: allowedIpList(metadata.allowed_ip_ranges),
    };
    this.cache.put(record);
    return record;
  }

  /**
   * The throttling rule (see AuthenticationThrottle): a secret this process has seen verify is
   * never refused; any other is verified only within the failure limits of its source address
   * and the client's verification budget, and refused cheaply (no argon2id) beyond them.
   */
  private async verifySecret(record: ClientAuthRecord, credentials: PresentedClientCredentials, clientIp: string): Promise<void> {
    const { clientId } = record;
    const secret = credentials.client_secret;
    if (secret === undefined || secret === '') throw this.refuse('missing_secret', credentials, clientIp, 'client_secret is required for this client');
    if (this.cache.isVerified(clientId, secret)) return;
    if (!this.knownGood.has(clientId, secret)) {
      const limit = await this.throttle.admit(clientId, clientIp);
      if (limit) {
        clientSecretChecks.inc({ outcome: 'throttled' });
        throw this.refuse('throttled', credentials, clientIp, 'too many failed authentication attempts; try again later', `limit ${limit}`);
      }
    }
    const key = `${clientId}\0${secret}`;
    let verification = this.inflight.get(key);
    if (!verification) {
      verification = this.matchStoredSecret(record, secret).finally(() => this.inflight.delete(key));
      this.inflight.set(key, verification);
    }
    const match = await verification;
    clientSecretChecks.inc({ outcome: match ? 'verified' : 'rejected' });
    if (!match) {
      this.knownGood.forget(clientId, secret);
      const nowThrottled = await this.throttle.recordFailure(clientId, clientIp);
      throw this.refuse('wrong_secret', credentials, clientIp, 'client authentication failed', nowThrottled ? 'further attempts from this address are refused without verification for a minute' : undefined);
    }
    this.cache.rememberVerified(clientId, secret, match.validUntilMs);
    this.knownGood.remember(clientId, secret, match.validUntilMs);
  }

  /**
   * Logs why a client authentication failed (client_id, address, method; never the secret) and
   * builds the RFC 6749 §5.2 invalid_client error. Throttled refusals are logged at debug: an
   * attack would otherwise flood the log; the failure that starts the throttling is logged at info.
   */
  private refuse(reason: RefusalReason, credentials: PresentedClientCredentials, clientIp: string, description = 'client authentication failed', note?: string): InvalidClient {
    const line = { client_id: credentials.client_id, client_ip: clientIp, method: credentials.method, reason, ...(note ? { note } : {}) };
    if (reason === 'throttled') this.logger.debug(line, 'client authentication refused');
    else this.logger.info(line, 'client authentication failed');
    return new InvalidClient(description);
  }

  /**
   * argon2's verify compares in constant time. The previous secret counts only inside its grace
   * period, and is remembered no longer than that.
   */
  private async matchStoredSecret(record: ClientAuthRecord, secret: string): Promise<{ validUntilMs?: number } | null> {
    if (record.secretHash && (await this.hasher.verify(record.secretHash, secret))) return {};
    const previousUntil = record.previousSecretExpiresAt ?? 0;
    if (record.previousSecretHash && previousUntil > nowSeconds() && (await this.hasher.verify(record.previousSecretHash, secret))) {
      return { validUntilMs: previousUntil * 1000 };
    }
    return null;
  }

  private async load(clientId: string): Promise<ClientEntity> {
    const entity = await this.clients.findOne({ where: { clientId } });
    if (!entity) throw new NotFound(`no client with client_id ${clientId}`);
    return entity;
  }

  private publish(type: string, clientId: string, data: object): Promise<void> {
    return this.events.publish(buildEvent('clients', type, clientId, data));
  }
}

function fromEntity(entity: ClientEntity): RegisteredClient {
  return toRegistered(entity.clientId, JSON.parse(entity.metadata) as ClientMetadata, entity.createdAt, entity.updatedAt);
}

function toRegistered(clientId: string, metadata: ClientMetadata, createdAt: number, updatedAt: number): RegisteredClient {
  return { client_id: clientId, ...metadata, client_id_issued_at: createdAt, updated_at: updatedAt };
}

/** RFC 8252 §8.3 and the like: the registrant hears about discouraged metadata in the response. */
function withWarnings(metadata: ClientMetadata): { warnings?: string[] } {
  const warnings = registrationWarnings(metadata);
  return warnings.length > 0 ? { warnings } : {};
}

function encodeCursor(clientId: string): string {
  return Buffer.from(clientId, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new InvalidRequest('cursor is not a value returned by this API');
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
