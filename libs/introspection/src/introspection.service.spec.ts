import {
  type AuthenticatedClient,
  type AuthorizationApi,
  type ClientsApi,
  type ClientStatus,
  type CloudEvent,
} from '@argus/contracts';
import { buildEvent, InProcessEventBus } from '@argus/events';
import { CreateSigningKeys1763850000000, KeyEncryption, KeysService, SigningKeyEntity } from '@argus/keys';
import { InvalidClient, OAuthError, UnauthorizedClient, type PresentedClientCredentials } from '@argus/oauth';
import { openServiceDataSource, serviceDataSourceOptions } from '@argus/persistence';
import { loadConfig, type ArgusConfig } from '@argus/platform';
import { generateKeyPair, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { DataSource, Repository } from 'typeorm';
import { AccessTokenVerifier } from './access-token.verifier';
import { ClientStatusCache } from './client-status.cache';
import { UserStatusCache } from './user-status.cache';
import { IntrospectionService } from './introspection.service';
import { CreateRevocations1763850000200 } from './migrations/1763850000200-create-revocations';
import { RevocationEntity } from './revocation.entity';
import { ClientsApiStub, rejection } from '@argus/testing/unit';

jest.setTimeout(30_000);

/** A fake of the clients service's contract: secrets in a map, enabled flags in another. */
class FakeClients extends ClientsApiStub {
  readonly secrets = new Map<string, string>();
  readonly enabled = new Map<string, boolean>();
  readonly scopes = new Map<string, string[]>();
  readonly publicClients = new Set<string>();
  statusCalls = 0;

  register(clientId: string, secret: string, scope?: string[]): PresentedClientCredentials {
    this.secrets.set(clientId, secret);
    this.enabled.set(clientId, true);
    if (scope) this.scopes.set(clientId, scope);
    return { client_id: clientId, client_secret: secret, method: 'client_secret_basic' };
  }

  registerPublic(clientId: string): PresentedClientCredentials {
    this.publicClients.add(clientId);
    this.enabled.set(clientId, true);
    return { client_id: clientId, method: 'none' };
  }

  override async authenticate({ credentials }: { credentials: PresentedClientCredentials }): Promise<AuthenticatedClient> {
    const scope = this.scopes.get(credentials.client_id) ?? [];
    if (this.publicClients.has(credentials.client_id)) return { client_id: credentials.client_id, grant_types: ['authorization_code'], scope, token_endpoint_auth_method: 'none' };
    const secret = this.secrets.get(credentials.client_id);
    if (secret === undefined || secret !== credentials.client_secret || !this.enabled.get(credentials.client_id)) {
      throw new InvalidClient('client authentication failed');
    }
    return { client_id: credentials.client_id, grant_types: ['client_credentials'], scope, token_endpoint_auth_method: 'client_secret_basic' };
  }

  override async status({ client_id }: { client_id: string }): Promise<ClientStatus> {
    this.statusCalls += 1;
    return { client_id, exists: this.enabled.has(client_id), enabled: this.enabled.get(client_id) ?? false, scope: this.scopes.get(client_id) };
  }
}

/** The authorization service's userStatus: every user active unless disabled here. */
class FakeAuthorization {
  readonly inactive = new Set<string>();
  statusCalls = 0;

  async userStatus({ id }: { id: string }): Promise<{ active: boolean }> {
    this.statusCalls += 1;
    return { active: !this.inactive.has(id) };
  }
}

const IP = '10.0.0.1';

describe(IntrospectionService.name, () => {
  let dir: string;
  let keysDataSource: DataSource;
  let introspectionDataSource: DataSource;
  let revocations: Repository<RevocationEntity>;
  let keys: KeysService;
  let clients: FakeClients;
  let authorization: FakeAuthorization;
  let bus: InProcessEventBus;
  let config: ArgusConfig;
  let service: IntrospectionService;
  const events: CloudEvent[] = [];
  const logger = pino({ level: 'silent' });
  const services: IntrospectionService[] = [];

  let billing: PresentedClientCredentials;
  let reports: PresentedClientCredentials;

  async function startService(eventBus: InProcessEventBus): Promise<IntrospectionService> {
    const verifier = new AccessTokenVerifier(keys, config);
    const refreshTokens = { exchange: jest.fn(), revokeRefreshToken: async () => ({ revoked: false }) };
    const userStatus = new UserStatusCache(authorization as unknown as AuthorizationApi);
    const instance = new IntrospectionService(revocations, clients, refreshTokens, verifier, new ClientStatusCache(clients), userStatus, eventBus, config, logger);
    await instance.onModuleInit();
    services.push(instance);
    return instance;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-introspection-spec-'));
    config = loadConfig({ ARGUS_ISSUER: 'https://id.example.com' });
    keysDataSource = await openServiceDataSource(
      'keys',
      serviceDataSourceOptions(`sqlite:${join(dir, 'keys.sqlite')}`, 'keys', [SigningKeyEntity], [CreateSigningKeys1763850000000]),
    );
    introspectionDataSource = await openServiceDataSource(
      'introspection',
      serviceDataSourceOptions(`sqlite:${join(dir, 'introspection.sqlite')}`, 'introspection', [RevocationEntity], [CreateRevocations1763850000200]),
    );
    revocations = introspectionDataSource.getRepository(RevocationEntity);
    bus = new InProcessEventBus();
    bus.subscribe('token.revoked', (event) => events.push(event));
    keys = new KeysService(keysDataSource.getRepository(SigningKeyEntity), new KeyEncryption(randomBytes(32).toString('base64')), bus);
    await keys.onModuleInit();
    clients = new FakeClients();
    authorization = new FakeAuthorization();
    billing = clients.register('billing', 'billing-secret');
    reports = clients.register('reports', 'reports-secret');
    service = await startService(bus);
  });

  afterAll(async () => {
    for (const instance of services) instance.onApplicationShutdown();
    await keysDataSource?.destroy();
    await introspectionDataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const now = () => Math.floor(Date.now() / 1000);

  /** An RFC 9068 access token as the token service issues it, with overrides. */
  async function accessToken(overrides: Record<string, unknown> = {}, typ = 'at+jwt', alg: 'ES256' | 'RS256' = 'ES256') {
    const iat = now();
    const payload = {
      iss: config.ARGUS_ISSUER,
      sub: 'billing',
      aud: config.accessTokenAudience,
      exp: iat + 600,
      iat,
      nbf: iat,
      jti: randomBytes(16).toString('base64url'),
      client_id: 'billing',
      scope: 'api:read',
      ...overrides,
    };
    const { jwt } = await keys.sign({ alg, typ, payload });
    return { jwt, payload };
  }

  describe('introspect', () => {
    it('answers active with the RFC 7662 §2.2 members for a valid token', async () => {
      const { jwt, payload } = await accessToken();
      expect(await service.introspect({ credentials: billing, client_ip: IP, token: jwt })).toEqual({
        active: true,
        scope: 'api:read',
        client_id: 'billing',
        sub: 'billing',
        aud: config.accessTokenAudience,
        iss: 'https://id.example.com',
        exp: payload.exp,
        iat: payload.iat,
        nbf: payload.nbf,
        jti: payload.jti,
        token_type: 'Bearer',
      });
    });

    it('accepts a token signed with the RS256 key and carries grant_id', async () => {
      const { jwt } = await accessToken({ grant_id: 'grant-1' }, 'at+jwt', 'RS256');
      expect(await service.inspect({ token: jwt })).toMatchObject({ active: true, grant_id: 'grant-1' });
    });

    // RFC 7662 §2.1: the protected resource authenticates to the introspection endpoint.
    it('requires the caller to authenticate', async () => {
      const { jwt } = await accessToken();
      const err = await rejection(service.introspect({ credentials: { ...reports, client_secret: 'wrong' }, client_ip: IP, token: jwt }));
      expect(err).toBeInstanceOf(InvalidClient);
    });

    const foreignKey = generateKeyPair('ES256');

    it.each<[string, () => Promise<string>]>([
      ['an empty string', async () => ''],
      ['garbage', async () => 'not-a-token'],
      ['three garbage parts', async () => 'a.b.c'],
      ['an opaque random value', async () => randomBytes(32).toString('base64url')],
      ['a token longer than 8 KiB', async () => (await accessToken({ pad: 'x'.repeat(9000) })).jwt],
      ['an expired token', async () => (await accessToken({ iat: now() - 1200, nbf: now() - 1200, exp: now() - 600 })).jwt],
      ['a token from another issuer', async () => (await accessToken({ iss: 'https://evil.example.com' })).jwt],
      ['a token with typ JWT instead of at+jwt (RFC 9068 §4)', async () => (await accessToken({}, 'JWT')).jwt],
      ['a token without jti', async () => (await accessToken({ jti: undefined })).jwt],
      ['a token without client_id', async () => (await accessToken({ client_id: undefined })).jwt],
      ['a token not yet valid', async () => (await accessToken({ nbf: now() + 600 })).jwt],
      [
        'a token signed by a foreign key with an unknown kid',
        async () =>
          new SignJWT({ client_id: 'billing', jti: 'j', sub: 'billing' })
            .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'foreign' })
            .setIssuer(config.ARGUS_ISSUER).setIssuedAt().setExpirationTime('10m')
            .sign((await foreignKey).privateKey),
      ],
      [
        'a token signed by a foreign key that claims our kid',
        async () => {
          const ourKid = (await keys.jwks()).keys.find((k) => k.alg === 'ES256')!.kid;
          return new SignJWT({ client_id: 'billing', jti: 'j', sub: 'billing' })
            .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ourKid })
            .setIssuer(config.ARGUS_ISSUER).setIssuedAt().setExpirationTime('10m')
            .sign((await foreignKey).privateKey);
        },
      ],
      [
        'an unsigned token (alg none)',
        async () => {
          const { jwt } = await accessToken();
          const [, body] = jwt.split('.');
          return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${body}.`;
        },
      ],
      [
        'a valid token whose payload was altered',
        async () => {
          const { jwt, payload } = await accessToken();
          const [header, , signature] = jwt.split('.');
          const altered = Buffer.from(JSON.stringify({ ...payload, scope: 'argus:admin' })).toString('base64url');
          return `${header}.${altered}.${signature}`;
        },
      ],
    ])('answers exactly {active:false} for %s', async (_case, makeToken) => {
      const token = await makeToken();
      expect(await service.introspect({ credentials: reports, client_ip: IP, token })).toEqual({ active: false });
    });
  });

  describe('revoke', () => {
    it('makes the token inactive and publishes token.revoked without the token', async () => {
      const { jwt, payload } = await accessToken();
      expect((await service.inspect({ token: jwt })).active).toBe(true);

      await expect(service.revoke({ credentials: billing, client_ip: IP, token: jwt })).resolves.toEqual({ revoked: true });
      expect(await service.introspect({ credentials: reports, client_ip: IP, token: jwt })).toEqual({ active: false });

      const published = events.filter((e) => e.subject === payload.jti);
      expect(published).toHaveLength(1);
      expect(published[0].type).toBe('argus.token.revoked');
      expect(published[0].data).toEqual({ jti: payload.jti, client_id: 'billing', exp: payload.exp });
      const text = JSON.stringify(published);
      expect(text).not.toContain(jwt);
      expect(text).not.toContain(jwt.split('.')[2]);

      const row = await revocations.findOneByOrFail({ key: `jti:${payload.jti}` });
      expect(row).toMatchObject({ clientId: 'billing', expiresAt: payload.exp });
    });

    it('does not affect another token of the same client', async () => {
      const revoked = await accessToken();
      const other = await accessToken();
      await service.revoke({ credentials: billing, client_ip: IP, token: revoked.jwt });
      expect((await service.inspect({ token: other.jwt })).active).toBe(true);
    });

    it('answers a second revocation of the same token without a second event', async () => {
      const { jwt, payload } = await accessToken();
      await service.revoke({ credentials: billing, client_ip: IP, token: jwt });
      await expect(service.revoke({ credentials: billing, client_ip: IP, token: jwt })).resolves.toEqual({ revoked: true });
      expect(events.filter((e) => e.subject === payload.jti)).toHaveLength(1);
    });

    // RFC 7009 §2.1: the server first validates the client credentials and verifies that the
    // token was issued to the client making the revocation request.
    it('refuses to revoke a token issued to another client', async () => {
      const { jwt } = await accessToken();
      const err = await rejection(service.revoke({ credentials: reports, client_ip: IP, token: jwt }));
      expect(err).toBeInstanceOf(UnauthorizedClient);
      expect(err.error).toBe('unauthorized_client');
      expect((await service.inspect({ token: jwt })).active).toBe(true);
    });

    it('requires the caller to authenticate', async () => {
      const { jwt } = await accessToken();
      expect(await rejection(service.revoke({ credentials: { ...billing, client_secret: 'wrong' }, client_ip: IP, token: jwt }))).toBeInstanceOf(InvalidClient);
      expect((await service.inspect({ token: jwt })).active).toBe(true);
    });

    // RFC 7009 §2.2: invalid tokens do not cause an error response.
    it.each(['garbage', 'a.b.c', ''])('answers an invalid token %j with success and no event', async (token) => {
      const before = events.length;
      await expect(service.revoke({ credentials: billing, client_ip: IP, token })).resolves.toEqual({ revoked: false });
      expect(events.length).toBe(before);
    });

    it('is seen by a second instance that starts after it (seeded from the table)', async () => {
      const { jwt } = await accessToken();
      await service.revoke({ credentials: billing, client_ip: IP, token: jwt });
      const fresh = await startService(new InProcessEventBus()); // hears no event: only the table
      expect(await fresh.inspect({ token: jwt })).toEqual({ active: false });
      const live = await accessToken();
      expect((await fresh.inspect({ token: live.jwt })).active).toBe(true);
    });

    it('is seen by a running instance through the token.revoked event', async () => {
      const peer = await startService(bus);
      const { jwt } = await accessToken();
      expect((await peer.inspect({ token: jwt })).active).toBe(true);
      await service.revoke({ credentials: billing, client_ip: IP, token: jwt });
      expect(await peer.inspect({ token: jwt })).toEqual({ active: false });
    });

    it('revokes every token of a grant from a grant_id event', async () => {
      const first = await accessToken({ grant_id: 'family-1' });
      const second = await accessToken({ grant_id: 'family-1' });
      await bus.publish(buildEvent('token', 'token.revoked', 'family-1', { grant_id: 'family-1', client_id: 'billing', exp: now() + 600 }));
      expect((await service.inspect({ token: first.jwt })).active).toBe(false);
      expect((await service.inspect({ token: second.jwt })).active).toBe(false);
    });
  });

  // RFC 7662 §2.1 / §4: who may learn what (introspection-policy.ts).
  describe('who may introspect', () => {
    it('refuses a public client (auth method none) with invalid_client', async () => {
      const spa = clients.registerPublic('spa');
      const { jwt } = await accessToken({ client_id: 'spa', sub: 'spa' });
      const err = await rejection(service.introspect({ credentials: spa, client_ip: IP, token: jwt }));
      expect(err).toBeInstanceOf(InvalidClient);
      expect(err.error_description).toMatch(/public client/);
    });

    it('answers another client\'s token {"active": false}, exactly like an unknown one', async () => {
      const { jwt } = await accessToken();
      expect((await service.inspect({ token: jwt })).active).toBe(true);
      expect(await service.introspect({ credentials: reports, client_ip: IP, token: jwt })).toEqual({ active: false });
    });

    it('answers in full a token whose aud names the caller (its resource server)', async () => {
      const { jwt } = await accessToken({ aud: ['reports'] });
      expect(await service.introspect({ credentials: reports, client_ip: IP, token: jwt })).toMatchObject({ active: true, client_id: 'billing', aud: ['reports'] });
    });

    it('answers in full any token to a client registered with argus:introspect', async () => {
      const gateway = clients.register('api-gateway', 'gw-secret', ['argus:introspect']);
      const { jwt } = await accessToken();
      expect(await service.introspect({ credentials: gateway, client_ip: IP, token: jwt })).toMatchObject({ active: true, client_id: 'billing' });
    });
  });

  describe('user status (tokens born from a user grant)', () => {
    const userToken = (sub: string) => accessToken({ client_id: 'billing', sub, grant_id: `grant-of-${sub}` });

    it('makes a disabled user\'s tokens inactive at once, active again when re-enabled, inactive when deleted', async () => {
      const { jwt } = await userToken('user-1');
      expect((await service.inspect({ token: jwt })).active).toBe(true);
      authorization.inactive.add('user-1');
      await bus.publish(buildEvent('authorization', 'user.updated', 'user-1', { sub: 'user-1', enabled: false, changed: ['enabled'] }));
      expect(await service.inspect({ token: jwt })).toEqual({ active: false });
      authorization.inactive.delete('user-1');
      await bus.publish(buildEvent('authorization', 'user.updated', 'user-1', { sub: 'user-1', enabled: true, changed: ['enabled'] }));
      expect((await service.inspect({ token: jwt })).active).toBe(true);
      authorization.inactive.add('user-1');
      await bus.publish(buildEvent('authorization', 'user.deleted', 'user-1', { sub: 'user-1' }));
      expect(await service.inspect({ token: jwt })).toEqual({ active: false });
    });

    it('reads a user once on first sight (a fresh instance sees a user disabled before it started)', async () => {
      authorization.inactive.add('user-2');
      const fresh = await startService(new InProcessEventBus());
      const before = authorization.statusCalls;
      const { jwt } = await userToken('user-2');
      expect(await fresh.inspect({ token: jwt })).toEqual({ active: false });
      expect(await fresh.inspect({ token: jwt })).toEqual({ active: false });
      expect(authorization.statusCalls).toBe(before + 1);
    });

    it('does not ask about the subject of a client_credentials token (no grant_id: the sub is the client)', async () => {
      const before = authorization.statusCalls;
      const { jwt } = await accessToken();
      expect((await service.inspect({ token: jwt })).active).toBe(true);
      expect(authorization.statusCalls).toBe(before);
    });
  });

  describe('client scope', () => {
    it('makes a token inactive once its scope is no longer within the client\'s (argus:admin removed)', async () => {
      clients.register('ops-admin', 'ops-secret', ['argus:admin', 'api:read']);
      const { jwt } = await accessToken({ client_id: 'ops-admin', sub: 'ops-admin', scope: 'argus:admin' });
      const narrow = await accessToken({ client_id: 'ops-admin', sub: 'ops-admin', scope: 'api:read' });
      expect((await service.inspect({ token: jwt })).active).toBe(true);
      clients.scopes.set('ops-admin', ['api:read']);
      await bus.publish(buildEvent('clients', 'client.updated', 'ops-admin', { client_id: 'ops-admin', enabled: true, changed: ['scope'] }));
      expect(await service.inspect({ token: jwt })).toEqual({ active: false });
      expect((await service.inspect({ token: narrow.jwt })).active).toBe(true);
    });
  });

  describe('durable revocations', () => {
    it('persists a grant revocation heard as an event: an instance started later sees it from the table', async () => {
      const { jwt } = await accessToken({ grant_id: 'durable-grant' });
      await bus.publish(buildEvent('token', 'token.revoked', 'durable-grant', { grant_id: 'durable-grant', client_id: 'billing', exp: now() + 600 }));
      expect(await revocations.findOneBy({ key: 'grant:durable-grant' })).toMatchObject({ clientId: 'billing' });
      const fresh = await startService(new InProcessEventBus()); // hears no event: only the table
      expect(await fresh.inspect({ token: jwt })).toEqual({ active: false });
    });

    it('applies a revocation delivered twice (live and by replay) once', async () => {
      const event = buildEvent('token', 'token.revoked', 'twice', { grant_id: 'twice', client_id: 'billing', exp: now() + 600 });
      await bus.publish(event);
      await bus.publish(event);
      expect(await revocations.countBy({ key: 'grant:twice' })).toBe(1);
    });
  });

  describe('client status', () => {
    it('makes the tokens of a client inactive after client.updated with enabled:false, and active again after enabled:true', async () => {
      clients.register('ops', 'ops-secret');
      const { jwt } = await accessToken({ client_id: 'ops', sub: 'ops' });
      expect((await service.inspect({ token: jwt })).active).toBe(true);

      await bus.publish(buildEvent('clients', 'client.updated', 'ops', { client_id: 'ops', enabled: false, changed: ['enabled'] }));
      expect(await service.inspect({ token: jwt })).toEqual({ active: false });

      await bus.publish(buildEvent('clients', 'client.updated', 'ops', { client_id: 'ops', enabled: true, changed: ['enabled'] }));
      expect((await service.inspect({ token: jwt })).active).toBe(true);
    });

    it('makes the tokens of a deleted client inactive at once', async () => {
      clients.register('gone', 'gone-secret');
      const { jwt } = await accessToken({ client_id: 'gone', sub: 'gone' });
      expect((await service.inspect({ token: jwt })).active).toBe(true);
      await bus.publish(buildEvent('clients', 'client.deleted', 'gone', { client_id: 'gone', enabled: false }));
      expect(await service.inspect({ token: jwt })).toEqual({ active: false });
    });

    it('asks the clients service once per client, then answers from memory', async () => {
      clients.register('steady', 'steady-secret');
      const before = clients.statusCalls;
      for (let i = 0; i < 3; i += 1) {
        const { jwt } = await accessToken({ client_id: 'steady', sub: 'steady' });
        expect((await service.inspect({ token: jwt })).active).toBe(true);
      }
      expect(clients.statusCalls).toBe(before + 1);
    });

    it('answers inactive for a token of a client that does not exist', async () => {
      const { jwt } = await accessToken({ client_id: 'never-registered', sub: 'never-registered' });
      expect(await service.inspect({ token: jwt })).toEqual({ active: false });
    });
  });

  describe('purgeExpired', () => {
    it('deletes expired rows from the table and keeps live ones', async () => {
      const t = now();
      await revocations.insert([
        { key: 'jti:purge-expired-1', clientId: 'billing', expiresAt: t - 10, revokedAt: t - 100 },
        { key: 'jti:purge-expired-2', clientId: 'billing', expiresAt: t - 1, revokedAt: t - 100 },
        { key: 'jti:purge-live', clientId: 'billing', expiresAt: t + 600, revokedAt: t - 100 },
      ]);
      const liveBefore = await revocations.createQueryBuilder('r').where('r.expires_at >= :t', { t }).getCount();

      expect(await service.purgeExpired(t)).toBe(2);
      const keysLeft = (await revocations.find()).map((r) => r.key);
      expect(keysLeft).not.toContain('jti:purge-expired-1');
      expect(keysLeft).not.toContain('jti:purge-expired-2');
      expect(keysLeft).toContain('jti:purge-live');
      expect(keysLeft).toHaveLength(liveBefore);
    });

    it('keeps revoked tokens inactive after a purge', async () => {
      const { jwt } = await accessToken();
      await service.revoke({ credentials: billing, client_ip: IP, token: jwt });
      await service.purgeExpired();
      expect(await service.inspect({ token: jwt })).toEqual({ active: false });
    });
  });
});
