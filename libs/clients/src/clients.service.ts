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
import { InvalidClient, InvalidClientMetadata, InvalidRequest, NotFound } from '@argus/oauth';
import { nowSeconds } from '@argus/persistence';
import { ArgusConfig, SecretHasher } from '@argus/platform';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { MoreThan, type Repository } from 'typeorm';
import { allowedIpList, ClientAuthCache, ipAllowed, type ClientAuthRecord } from './client-auth-cache';
import { ClientEntity } from './client.entity';
import { normalizeClientMetadata, registrationWarnings } from './client-metadata';
import { ClientOrigins } from './client-origins';
import { FailedAuthenticationThrottle } from './failed-authentication-throttle';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const ADMIN_SCOPE = 'argus:admin';

/** 256 bits from the CSPRNG, base64url: the only form a secret ever has outside a hash. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

@Injectable()
export class ClientsService implements ClientsApi, OnModuleInit {
  private readonly cache: ClientAuthCache;
  private readonly throttle: FailedAuthenticationThrottle;
  /** Coalesces concurrent argon2id verifications of the same presented secret. */
  private readonly inflight = new Map<string, Promise<{ validUntilMs?: number } | null>>();

  constructor(
    @InjectRepository(ClientEntity, 'clients') private readonly clients: Repository<ClientEntity>,
    private readonly hasher: SecretHasher,
    private readonly events: EventBus,
    config: ArgusConfig,
    private readonly origins: ClientOrigins,
  ) {
    this.cache = new ClientAuthCache(config.ARGUS_SECRET_CACHE_TTL);
    this.throttle = new FailedAuthenticationThrottle(config.ARGUS_AUTH_FAILURES_PER_MINUTE);
  }

  onModuleInit(): void {
    // Another instance changed a client: forget what this one remembered about it.
    this.events.subscribe('client.*', (event) => {
      const clientId = (event.data as { client_id?: string }).client_id;
      if (clientId) this.cache.drop(clientId);
    });
  }

  /** RFC 6749 §2.3.1 / §3.2.1: authenticates the client at the token, introspection and revocation endpoints. */
  async authenticate({ credentials, client_ip }: AuthenticateClientRequest): Promise<AuthenticatedClient> {
    const record = await this.authRecord(credentials.client_id);
    if (!record) throw new InvalidClient('client authentication failed', `unknown client_id ${credentials.client_id}`);
    const { metadata } = record;
    if (!metadata.enabled) throw new InvalidClient('client is disabled');
    if (credentials.method !== metadata.token_endpoint_auth_method) {
      throw new InvalidClient(`client is registered for token_endpoint_auth_method ${metadata.token_endpoint_auth_method}, not ${credentials.method}`);
    }
    if (!ipAllowed(record.allowedIps, client_ip)) {
      throw new InvalidClient('client is not allowed to authenticate from this address', `client_ip ${client_ip}`);
    }
    if (metadata.token_endpoint_auth_method !== 'none') {
      await this.verifySecret(record, credentials.client_secret);
    }
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
    const now = nowSeconds();
    await this.clients.update({ clientId: client_id }, {
      secretHash: await this.hasher.hash(secret),
      previousSecretHash: grace > 0 ? entity.secretHash : null,
      previousSecretExpiresAt: grace > 0 ? now + grace : null,
      updatedAt: now,
    });
    this.cache.drop(client_id);
    await this.publish(EventTypes.clientSecretRotated, client_id, { client_id, grace_period_seconds: grace });
    return {
      client_id,
      client_secret: secret,
      client_secret_expires_at: 0,
      previous_secret_valid_until: grace > 0 ? now + grace : undefined,
    };
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
    const row = await this.clients.findOne({ where: { clientId: client_id }, select: { clientId: true, enabled: true } });
    return { client_id, exists: row !== null, enabled: row?.enabled ?? false };
  }

  originAllowed(request: OriginAllowedRequest): Promise<OriginAllowed> {
    return this.origins.allowed(request);
  }

  /**
   * API.md: the first admin client, from ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID/SECRET or generated.
   * Returns the credentials only when it created the client just now.
   */
  async ensureBootstrapAdmin(fixed?: { clientId: string; secret: string }): Promise<{ client_id: string; client_secret: string } | null> {
    const clientId = fixed?.clientId ?? 'argus-admin';
    if (await this.clients.exist({ where: { clientId } })) return null;
    const metadata = { client_name: 'Argus bootstrap admin', grant_types: ['client_credentials'], scope: ADMIN_SCOPE };
    try {
      const created = await this.create({ metadata }, { clientId, secret: fixed?.secret ?? newSecret() });
      return { client_id: created.client_id, client_secret: created.client_secret! };
    } catch (err) {
      // Another instance bootstrapped it at the same moment.
      if (await this.clients.exist({ where: { clientId } })) return null;
      throw err;
    }
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

  private async verifySecret(record: ClientAuthRecord, secret: string | undefined): Promise<void> {
    const { clientId } = record;
    if (secret === undefined || secret === '') throw new InvalidClient('client_secret is required for this client');
    if (this.cache.isVerified(clientId, secret)) return;
    if (this.throttle.isThrottled(clientId)) {
      throw new InvalidClient('too many failed authentication attempts for this client; try again later');
    }
    const key = `${clientId}\0${secret}`;
    let verification = this.inflight.get(key);
    if (!verification) {
      verification = this.matchStoredSecret(record, secret).finally(() => this.inflight.delete(key));
      this.inflight.set(key, verification);
    }
    const match = await verification;
    if (!match) {
      this.throttle.recordFailure(clientId);
      throw new InvalidClient('client authentication failed', `wrong secret for ${clientId}`);
    }
    this.cache.rememberVerified(clientId, secret, match.validUntilMs);
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
