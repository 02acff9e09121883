import type { CloudEvent } from '@argus/contracts';
import { InProcessEventBus } from '@argus/events';
import { InvalidClient, InvalidClientMetadata, InvalidRequest, NotFound, OAuthError, type PresentedClientCredentials } from '@argus/oauth';
import { openServiceDataSource, serviceDataSourceOptions } from '@argus/persistence';
import { Argon2SecretHasher, loadConfig, SecretHasher, type ArgusConfig } from '@argus/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import type { DataSource, Repository } from 'typeorm';
import { ClientEntity } from './client.entity';
import { ClientOriginEntity } from './client-origin.entity';
import { ClientOrigins } from './client-origins';
import { ClientsService } from './clients.service';
import { CreateClients1763850000100 } from './migrations/1763850000100-create-clients';
import { CreateClientOrigins1764460000000 } from './migrations/1764460000000-create-client-origins';
import { rejection } from '@argus/testing/unit';

jest.setTimeout(60_000);

/** The real argon2id hasher, counting calls so tests can see when the cache spared one. */
class CountingHasher extends SecretHasher {
  private readonly argon2 = new Argon2SecretHasher();
  hashes = 0;
  verifies = 0;

  hash(secret: string): Promise<string> {
    this.hashes += 1;
    return this.argon2.hash(secret);
  }

  verify(hash: string, secret: string): Promise<boolean> {
    this.verifies += 1;
    return this.argon2.verify(hash, secret);
  }
}

const SERVICE_CLIENT = { client_name: 'Billing', grant_types: ['client_credentials'], scope: 'api:read api:write' };
const IP = '10.1.2.3';
const FAILURE_LIMIT = '3';
const ADDRESS_FAILURE_LIMIT = '6';
const CLIENT_BUDGET = '8';

/** A pino logger whose lines the tests can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe(ClientsService.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let repo: Repository<ClientEntity>;
  let origins: ClientOrigins;
  let hasher: CountingHasher;
  let bus: InProcessEventBus;
  let config: ArgusConfig;
  let service: ClientsService;
  let log: ReturnType<typeof capturingLogger>;
  const events: CloudEvent[] = [];
  /** Every secret the service handed out, to prove none of them reaches an event. */
  const secrets: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-clients-spec-'));
    dataSource = await openServiceDataSource(
      'clients',
      serviceDataSourceOptions(`sqlite:${join(dir, 'argus.sqlite')}`, 'clients', [ClientEntity, ClientOriginEntity], [CreateClients1763850000100, CreateClientOrigins1764460000000]),
    );
    repo = dataSource.getRepository(ClientEntity);
    origins = new ClientOrigins(dataSource.getRepository(ClientOriginEntity), repo);
    hasher = new CountingHasher();
    bus = new InProcessEventBus();
    bus.subscribe('client.*', (event) => events.push(event));
    config = loadConfig({
      ARGUS_AUTH_FAILURES_PER_MINUTE: FAILURE_LIMIT,
      ARGUS_AUTH_FAILURES_PER_ADDRESS_PER_MINUTE: ADDRESS_FAILURE_LIMIT,
      ARGUS_AUTH_VERIFICATIONS_PER_CLIENT_PER_MINUTE: CLIENT_BUDGET,
    });
    log = capturingLogger();
    service = new ClientsService(repo, hasher, bus, config, log.logger, origins);
    service.onModuleInit();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  async function createClient(metadata: Record<string, unknown> = SERVICE_CLIENT) {
    const created = await service.create({ metadata });
    if (created.client_secret) secrets.push(created.client_secret);
    return { clientId: created.client_id, secret: created.client_secret!, created };
  }

  function basic(clientId: string, secret: string): PresentedClientCredentials {
    return { client_id: clientId, client_secret: secret, method: 'client_secret_basic' };
  }

  const eventsOf = (type: string, clientId: string) => events.filter((e) => e.type === `argus.${type}` && e.subject === clientId);

  describe('create and read', () => {
    it('returns a 256-bit base64url secret once and stores only its argon2id hash', async () => {
      const { clientId, secret, created } = await createClient();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.client_secret_expires_at).toBe(0);
      expect(created).toMatchObject({ client_name: 'Billing', grant_types: ['client_credentials'], scope: 'api:read api:write', enabled: true });

      const row = await repo.findOneByOrFail({ clientId });
      expect(row.secretHash).toMatch(/^\$argon2id\$/);
      expect(row.secretHash).not.toContain(secret);
      expect(row.metadata).not.toContain(secret);
      expect(row.previousSecretHash).toBeNull();
    });

    it('never returns the secret or its hash when read or listed', async () => {
      const { clientId, secret } = await createClient();
      const read = await service.get({ client_id: clientId });
      expect(read).not.toHaveProperty('client_secret');
      expect(read).not.toHaveProperty('secret_hash');
      expect(read).not.toHaveProperty('secretHash');
      const text = JSON.stringify([read, await service.list({ limit: 200 })]);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('$argon2');
      expect(read.client_id).toBe(clientId);
      expect(read.client_id_issued_at).toBeGreaterThan(1_700_000_000);
    });

    it('gives a public client (none) no secret', async () => {
      const { clientId, created } = await createClient({ redirect_uris: ['https://spa.example.com/cb'], token_endpoint_auth_method: 'none' });
      expect(created).not.toHaveProperty('client_secret');
      expect((await repo.findOneByOrFail({ clientId })).secretHash).toBeNull();
    });

    it('emits client.created with ids only', async () => {
      const { clientId } = await createClient();
      const [event] = eventsOf('client.created', clientId);
      expect(event.data).toEqual({ client_id: clientId, enabled: true });
      expect(event.source).toBe('/argus/clients');
    });

    it('rejects invalid metadata without storing anything', async () => {
      const before = await repo.count();
      const err = await rejection(service.create({ metadata: { grant_types: ['password'] } }));
      expect(err).toBeInstanceOf(InvalidClientMetadata);
      expect(await repo.count()).toBe(before);
    });

    it('answers 404 not_found for an unknown client_id', async () => {
      const err = await rejection(service.get({ client_id: 'no-such-client' }));
      expect(err).toBeInstanceOf(NotFound);
      expect(err.status).toBe(404);
    });

    it('reports status: exists, enabled and the current scope', async () => {
      const { clientId } = await createClient({ ...SERVICE_CLIENT, enabled: false });
      expect(await service.status({ client_id: clientId })).toEqual({ client_id: clientId, exists: true, enabled: false, scope: SERVICE_CLIENT.scope.split(' ') });
      expect(await service.status({ client_id: 'no-such-client' })).toEqual({ client_id: 'no-such-client', exists: false, enabled: false, scope: [] });
    });
  });

  describe('authenticate', () => {
    it('authenticates the right secret and returns what a grant needs, no secret', async () => {
      const { clientId, secret } = await createClient({ ...SERVICE_CLIENT, access_token_ttl: 120 });
      const client = await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      expect(client).toEqual({
        client_id: clientId,
        grant_types: ['client_credentials'],
        scope: ['api:read', 'api:write'],
        token_endpoint_auth_method: 'client_secret_basic',
        access_token_ttl: 120,
        refresh_token_ttl: undefined,
      });
    });

    // DESIGN.md: the client-credentials hot path must not pay argon2id on every request.
    it('verifies a secret with argon2 once, then from the cache', async () => {
      const { clientId, secret } = await createClient();
      const before = hasher.verifies;
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      expect(hasher.verifies).toBe(before + 1);
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      expect(hasher.verifies).toBe(before + 1);
    });

    it('verifies concurrent first uses of one secret with a single argon2 call', async () => {
      const { clientId, secret } = await createClient();
      const before = hasher.verifies;
      await Promise.all([1, 2, 3, 4].map(() => service.authenticate({ credentials: basic(clientId, secret), client_ip: IP })));
      expect(hasher.verifies).toBe(before + 1);
    });

    it('rejects a wrong secret with 401 invalid_client, even after the right one was cached', async () => {
      const { clientId, secret } = await createClient();
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      const err = await rejection(service.authenticate({ credentials: basic(clientId, `${secret}x`), client_ip: IP }));
      expect(err).toBeInstanceOf(InvalidClient);
      expect(err.status).toBe(401);
    });

    it.each([
      ['an unknown client_id', (_id: string, secret: string) => basic('no-such-client', secret)],
      ['a missing secret', (id: string) => ({ client_id: id, method: 'client_secret_basic' as const })],
      ['an empty secret', (id: string) => basic(id, '')],
      ['none for a confidential client', (id: string) => ({ client_id: id, method: 'none' as const })],
    ])('rejects %s with invalid_client', async (_case, credentials) => {
      const { clientId, secret } = await createClient();
      const err = await rejection(service.authenticate({ credentials: credentials(clientId, secret), client_ip: IP }));
      expect(err).toBeInstanceOf(InvalidClient);
    });

    // A confidential client may present its secret either way; libraries differ in which they send.
    it.each([
      ['client_secret_basic', 'client_secret_post'],
      ['client_secret_post', 'client_secret_basic'],
      ['client_secret_post', 'client_secret_post'],
    ] as const)('authenticates a %s client presenting %s', async (registered, presented) => {
      const { clientId, secret } = await createClient({ ...SERVICE_CLIENT, token_endpoint_auth_method: registered });
      const client = await service.authenticate({ credentials: { client_id: clientId, client_secret: secret, method: presented }, client_ip: IP });
      expect(client.token_endpoint_auth_method).toBe(registered);
    });

    it('refuses a public client (none) that presents a secret', async () => {
      const { clientId } = await createClient({ redirect_uris: ['https://spa.example.com/cb'], token_endpoint_auth_method: 'none' });
      const err = await rejection(service.authenticate({ credentials: { client_id: clientId, client_secret: 'anything-at-all', method: 'client_secret_post' }, client_ip: IP }));
      expect(err).toBeInstanceOf(InvalidClient);
      expect(err.error_description).toMatch(/public client/);
    });

    it.each([
      ['unknown_client', async () => ({ credentials: basic('no-such-client', 'a-wrong-secret-value') })],
      ['wrong_secret', async () => ({ credentials: basic((await createClient()).clientId, 'a-wrong-secret-value') })],
      ['disabled', async () => ({ credentials: basic((await createClient({ ...SERVICE_CLIENT, enabled: false })).clientId, 'a-wrong-secret-value') })],
      ['missing_secret', async () => ({ credentials: { client_id: (await createClient()).clientId, method: 'none' as const } })],
      ['address_not_allowed', async () => ({ credentials: basic((await createClient({ ...SERVICE_CLIENT, allowed_ip_ranges: ['10.9.0.0/16'] })).clientId, 'a-wrong-secret-value') })],
    ])('logs why authentication failed (%s) with client_id and address, never the secret', async (reason, build) => {
      const { credentials } = await build();
      log.lines.length = 0;
      await rejection(service.authenticate({ credentials, client_ip: IP }));
      expect(log.lines).toEqual([expect.objectContaining({ level: 30, reason, client_id: credentials.client_id, client_ip: IP, msg: 'client authentication failed' })]);
      expect(JSON.stringify(log.lines)).not.toContain('a-wrong-secret-value');
    });

    it('authenticates a public client (none) without a secret or argon2', async () => {
      const { clientId } = await createClient({ redirect_uris: ['https://spa.example.com/cb'], token_endpoint_auth_method: 'none' });
      const before = hasher.verifies;
      const client = await service.authenticate({ credentials: { client_id: clientId, method: 'none' }, client_ip: IP });
      expect(client.token_endpoint_auth_method).toBe('none');
      expect(hasher.verifies).toBe(before);
    });

    it('rejects a client registered disabled', async () => {
      const { clientId, secret } = await createClient({ ...SERVICE_CLIENT, enabled: false });
      expect(await rejection(service.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
    });

    it('rejects a client as soon as it is disabled, although its secret was cached', async () => {
      const { clientId, secret } = await createClient();
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      await service.update({ client_id: clientId, patch: { enabled: false } });
      expect(await rejection(service.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
      await service.update({ client_id: clientId, patch: { enabled: true } });
      await expect(service.authenticate({ credentials: basic(clientId, secret), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
    });

    it.each([
      ['10.1.2.3', true],
      ['::ffff:10.200.0.1', true],
      ['2001:db8::7', true],
      ['192.168.0.1', false],
      ['2001:db9::7', false],
    ])('with allowed_ip_ranges 10.0.0.0/8 and 2001:db8::/32, a request from %s is accepted: %s', async (ip, accepted) => {
      const { clientId, secret } = await createClient({ ...SERVICE_CLIENT, allowed_ip_ranges: ['10.0.0.0/8', '2001:db8::/32'] });
      const result = service.authenticate({ credentials: basic(clientId, secret), client_ip: ip });
      if (accepted) await expect(result).resolves.toMatchObject({ client_id: clientId });
      else expect(await rejection(result)).toBeInstanceOf(InvalidClient);
    });

    it('rejects a cached secret presented from an address outside the allowed ranges', async () => {
      const { clientId, secret } = await createClient({ ...SERVICE_CLIENT, allowed_ip_ranges: ['10.0.0.0/8'] });
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: '10.0.0.1' });
      expect(await rejection(service.authenticate({ credentials: basic(clientId, secret), client_ip: '203.0.113.1' }))).toBeInstanceOf(InvalidClient);
    });
  });

  describe('failed-authentication throttle', () => {
    const limit = Number(FAILURE_LIMIT);
    const wrong = (clientId: string, i: number, ip = IP) => service.authenticate({ credentials: basic(clientId, `wrong-${i}`), client_ip: ip });

    it(`stops calling argon2 for an address after ARGUS_AUTH_FAILURES_PER_MINUTE (${FAILURE_LIMIT}) failures for a client`, async () => {
      const { clientId } = await createClient();
      const before = hasher.verifies;
      for (let i = 0; i < limit; i += 1) expect((await rejection(wrong(clientId, i, '10.50.0.1'))).error_description).toBe('client authentication failed');
      expect(hasher.verifies).toBe(before + limit);

      const err = await rejection(wrong(clientId, 99, '10.50.0.1'));
      expect(err).toBeInstanceOf(InvalidClient);
      expect(err.error_description).toMatch(/too many failed authentication attempts/);
      expect(hasher.verifies).toBe(before + limit);
    });

    it('never refuses the right secret, even when it is not cached and its address is throttled', async () => {
      const { clientId, secret } = await createClient();
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: '10.51.0.1' });
      for (let i = 0; i <= limit; i += 1) await rejection(wrong(clientId, i, '10.51.0.1'));
      // The verification cache answers without argon2.
      let before = hasher.verifies;
      await expect(service.authenticate({ credentials: basic(clientId, secret), client_ip: '10.51.0.1' })).resolves.toMatchObject({ client_id: clientId });
      expect(hasher.verifies).toBe(before);
      // After the cache entry is gone, the known-good set still lets the secret through (argon2 decides).
      jest.spyOn(Date, 'now').mockReturnValue(Date.now() + (config.ARGUS_SECRET_CACHE_TTL + 1) * 1000);
      before = hasher.verifies;
      await expect(service.authenticate({ credentials: basic(clientId, secret), client_ip: '10.51.0.1' })).resolves.toMatchObject({ client_id: clientId });
      expect(hasher.verifies).toBe(before + 1);
    });

    it('accepts a freshly created client\'s secret while its client_id is under attack from many addresses', async () => {
      const { clientId, secret } = await createClient();
      for (let i = 0; i < Number(CLIENT_BUDGET) + 2; i += 1) await rejection(wrong(clientId, i, `10.52.0.${i + 1}`));
      await expect(service.authenticate({ credentials: basic(clientId, secret), client_ip: '10.52.1.1' })).resolves.toMatchObject({ client_id: clientId });
    });

    it(`spends at most ARGUS_AUTH_VERIFICATIONS_PER_CLIENT_PER_MINUTE (${CLIENT_BUDGET}) argon2 verifications on one client_id from many addresses`, async () => {
      const { clientId } = await createClient();
      const before = hasher.verifies;
      for (let i = 0; i < 20; i += 1) await rejection(wrong(clientId, i, `10.53.0.${i + 1}`));
      expect(hasher.verifies).toBe(before + Number(CLIENT_BUDGET));
    });

    it(`limits one address to ARGUS_AUTH_FAILURES_PER_ADDRESS_PER_MINUTE (${ADDRESS_FAILURE_LIMIT}) failures over many client_ids`, async () => {
      const ids = [];
      for (let i = 0; i < 4; i += 1) ids.push((await createClient()).clientId);
      const before = hasher.verifies;
      for (const id of ids) for (let i = 0; i < limit; i += 1) await rejection(wrong(id, i, '10.54.0.1'));
      expect(hasher.verifies).toBe(before + Number(ADDRESS_FAILURE_LIMIT));
    });

    it('throttles one address without affecting another address or another client', async () => {
      const throttled = await createClient();
      const other = await createClient();
      for (let i = 0; i <= limit; i += 1) await rejection(wrong(throttled.clientId, i, '10.55.0.1'));
      const before = hasher.verifies;
      expect((await rejection(wrong(throttled.clientId, 0, '10.55.0.2'))).error_description).toBe('client authentication failed');
      expect(hasher.verifies).toBe(before + 1);
      await expect(service.authenticate({ credentials: basic(other.clientId, other.secret), client_ip: '10.55.0.1' })).resolves.toMatchObject({ client_id: other.clientId });
    });

    it('forgets a known-good secret once it no longer verifies (rotated away)', async () => {
      const { clientId, secret } = await createClient();
      secrets.push((await service.rotateSecret({ client_id: clientId, grace_period_seconds: 0 })).client_secret);
      const before = hasher.verifies;
      expect(await rejection(service.authenticate({ credentials: basic(clientId, secret), client_ip: '10.56.0.1' }))).toBeInstanceOf(InvalidClient);
      expect(hasher.verifies).toBe(before + 1);
      for (let i = 0; i < limit; i += 1) await rejection(wrong(clientId, i, '10.56.0.1'));
      const after = hasher.verifies;
      await rejection(service.authenticate({ credentials: basic(clientId, secret), client_ip: '10.56.0.1' }));
      expect(hasher.verifies).toBe(after);
    });
  });

  describe('rotateSecret', () => {
    it('keeps the previous secret valid during the grace period', async () => {
      const { clientId, secret: old } = await createClient();
      await service.authenticate({ credentials: basic(clientId, old), client_ip: IP });
      const rotated = await service.rotateSecret({ client_id: clientId, grace_period_seconds: 600 });
      secrets.push(rotated.client_secret);
      expect(rotated.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(rotated.client_secret).not.toBe(old);
      expect(rotated.previous_secret_valid_until).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 599);

      await expect(service.authenticate({ credentials: basic(clientId, old), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
      await expect(service.authenticate({ credentials: basic(clientId, rotated.client_secret), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
    });

    it('rejects the previous secret once the grace period is over', async () => {
      const { clientId, secret: old } = await createClient();
      const rotated = await service.rotateSecret({ client_id: clientId, grace_period_seconds: 60 });
      secrets.push(rotated.client_secret);
      const later = Date.now() + 120_000;
      jest.spyOn(Date, 'now').mockReturnValue(later);
      expect(await rejection(service.authenticate({ credentials: basic(clientId, old), client_ip: IP }))).toBeInstanceOf(InvalidClient);
      await expect(service.authenticate({ credentials: basic(clientId, rotated.client_secret), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
    });

    it('rejects a cached previous secret once the grace period is over (the cache never outlives the grace)', async () => {
      const { clientId, secret: old } = await createClient();
      const rotated = await service.rotateSecret({ client_id: clientId, grace_period_seconds: 60 });
      secrets.push(rotated.client_secret);
      await service.authenticate({ credentials: basic(clientId, old), client_ip: IP });
      await service.authenticate({ credentials: basic(clientId, old), client_ip: IP });
      jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
      expect(await rejection(service.authenticate({ credentials: basic(clientId, old), client_ip: IP }))).toBeInstanceOf(InvalidClient);
      await expect(service.authenticate({ credentials: basic(clientId, rotated.client_secret), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
    });

    it('without grace, rejects the previous secret at once although it was cached', async () => {
      const { clientId, secret: old } = await createClient();
      await service.authenticate({ credentials: basic(clientId, old), client_ip: IP });
      await service.authenticate({ credentials: basic(clientId, old), client_ip: IP });
      const rotated = await service.rotateSecret({ client_id: clientId, grace_period_seconds: 0 });
      secrets.push(rotated.client_secret);
      expect(rotated.previous_secret_valid_until).toBeUndefined();
      expect(await rejection(service.authenticate({ credentials: basic(clientId, old), client_ip: IP }))).toBeInstanceOf(InvalidClient);
      await expect(service.authenticate({ credentials: basic(clientId, rotated.client_secret), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
      expect((await repo.findOneByOrFail({ clientId })).previousSecretHash).toBeNull();
    });

    it('emits client.secret_rotated without either secret', async () => {
      const { clientId } = await createClient();
      const rotated = await service.rotateSecret({ client_id: clientId, grace_period_seconds: 30 });
      secrets.push(rotated.client_secret);
      const [event] = eventsOf('client.secret_rotated', clientId);
      expect(event.data).toEqual({ client_id: clientId, grace_period_seconds: 30 });
    });

    it.each([-1, 1.5, 2_592_001])('rejects grace_period_seconds %p with invalid_request', async (grace) => {
      const { clientId } = await createClient();
      expect(await rejection(service.rotateSecret({ client_id: clientId, grace_period_seconds: grace }))).toBeInstanceOf(InvalidRequest);
    });

    it('refuses to rotate a public client or an unknown one', async () => {
      const { clientId } = await createClient({ redirect_uris: ['https://spa.example.com/cb'], token_endpoint_auth_method: 'none' });
      expect(await rejection(service.rotateSecret({ client_id: clientId, grace_period_seconds: 0 }))).toBeInstanceOf(InvalidRequest);
      expect(await rejection(service.rotateSecret({ client_id: 'no-such-client', grace_period_seconds: 0 }))).toBeInstanceOf(NotFound);
    });
  });

  describe('update', () => {
    it('stores the change and emits client.updated naming the changed fields', async () => {
      const { clientId } = await createClient();
      const updated = await service.update({ client_id: clientId, patch: { client_name: 'Billing v2', scope: 'api:read' } });
      expect(updated).toMatchObject({ client_id: clientId, client_name: 'Billing v2', scope: 'api:read', grant_types: ['client_credentials'] });
      expect(await service.get({ client_id: clientId })).toMatchObject({ client_name: 'Billing v2', scope: 'api:read' });

      const [event] = eventsOf('client.updated', clientId);
      expect(event.data).toEqual({ client_id: clientId, enabled: true, changed: expect.any(Array) });
      expect(((event.data as { changed: string[] }).changed).sort()).toEqual(['client_name', 'scope']);
    });

    it('applies a narrowed scope at the next authentication', async () => {
      const { clientId, secret } = await createClient();
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      await service.update({ client_id: clientId, patch: { scope: 'api:read' } });
      expect((await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP })).scope).toEqual(['api:read']);
    });

    it('rejects invalid metadata and keeps the stored client', async () => {
      const { clientId } = await createClient();
      expect(await rejection(service.update({ client_id: clientId, patch: { allowed_ip_ranges: ['10.0.0.0/40'] } }))).toBeInstanceOf(InvalidClientMetadata);
      expect((await service.get({ client_id: clientId })).allowed_ip_ranges).toEqual([]);
    });

    it('refuses to turn a confidential client into a public one', async () => {
      const { clientId } = await createClient({ redirect_uris: ['https://app.example.com/cb'] });
      const err = await rejection(service.update({ client_id: clientId, patch: { token_endpoint_auth_method: 'none' } }));
      expect(err).toBeInstanceOf(InvalidClientMetadata);
      expect(err.error_description).toContain('token_endpoint_auth_method');
    });

    it('answers not_found for an unknown client', async () => {
      expect(await rejection(service.update({ client_id: 'no-such-client', patch: {} }))).toBeInstanceOf(NotFound);
    });
  });

  describe('remove', () => {
    it('deletes the client, emits client.deleted and refuses its secret at once', async () => {
      const { clientId, secret } = await createClient();
      await service.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      await expect(service.remove({ client_id: clientId })).resolves.toEqual({ deleted: true });
      expect(await rejection(service.get({ client_id: clientId }))).toBeInstanceOf(NotFound);
      expect(await rejection(service.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
      expect(eventsOf('client.deleted', clientId).map((e) => e.data)).toEqual([{ client_id: clientId, enabled: false }]);
      expect(await rejection(service.remove({ client_id: clientId }))).toBeInstanceOf(NotFound);
    });
  });

  describe('on an instance that does not hear its own events (JetStream delivers them later)', () => {
    /** Publishes nowhere and delivers nothing back: the instance must drop its cache by itself. */
    class DeafEventBus extends InProcessEventBus {
      override subscribe(): void {}
    }

    let deaf: ClientsService;
    beforeAll(() => {
      deaf = new ClientsService(repo, hasher, new DeafEventBus(), config, log.logger, origins);
      deaf.onModuleInit();
    });

    async function cachedClient() {
      const created = await deaf.create({ metadata: SERVICE_CLIENT });
      secrets.push(created.client_secret!);
      await deaf.authenticate({ credentials: basic(created.client_id, created.client_secret!), client_ip: IP });
      return { clientId: created.client_id, secret: created.client_secret! };
    }

    it('rejects the previous secret at once after a rotation without grace', async () => {
      const { clientId, secret } = await cachedClient();
      const rotated = await deaf.rotateSecret({ client_id: clientId, grace_period_seconds: 0 });
      secrets.push(rotated.client_secret);
      expect(await rejection(deaf.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
    });

    it('rejects a cached secret at once after the client is disabled', async () => {
      const { clientId, secret } = await cachedClient();
      await deaf.update({ client_id: clientId, patch: { enabled: false } });
      expect(await rejection(deaf.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
    });

    it('rejects a cached secret at once after the client is deleted', async () => {
      const { clientId, secret } = await cachedClient();
      await deaf.remove({ client_id: clientId });
      expect(await rejection(deaf.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
    });
  });

  describe('a second instance sharing the database and event bus', () => {
    it('drops its cached verification when the other instance disables or rotates the client', async () => {
      const peer = new ClientsService(repo, hasher, bus, config, log.logger, origins);
      peer.onModuleInit();
      const { clientId, secret } = await createClient();
      await peer.authenticate({ credentials: basic(clientId, secret), client_ip: IP });

      await service.update({ client_id: clientId, patch: { enabled: false } });
      expect(await rejection(peer.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);

      await service.update({ client_id: clientId, patch: { enabled: true } });
      await peer.authenticate({ credentials: basic(clientId, secret), client_ip: IP });
      const rotated = await service.rotateSecret({ client_id: clientId, grace_period_seconds: 0 });
      secrets.push(rotated.client_secret);
      expect(await rejection(peer.authenticate({ credentials: basic(clientId, secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
      await expect(peer.authenticate({ credentials: basic(clientId, rotated.client_secret), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
    });
  });

  describe('list', () => {
    it('pages through every client exactly once with limit and cursor', async () => {
      const owner = 'pager-owner';
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push((await createClient({ ...SERVICE_CLIENT, owner })).clientId);
      }
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.list({ limit: 2, cursor, owner });
        pageSizes.push(page.items.length);
        seen.push(...page.items.map((c) => c.client_id));
        cursor = page.next_cursor;
      } while (cursor !== undefined);
      expect(pageSizes).toEqual([2, 2, 1]);
      expect(seen).toHaveLength(5);
      expect([...seen].sort()).toEqual([...ids].sort());
      expect(new Set(seen).size).toBe(5);
    });

    it('filters by owner', async () => {
      const { clientId } = await createClient({ ...SERVICE_CLIENT, owner: 'lonely-owner' });
      const page = await service.list({ owner: 'lonely-owner' });
      expect(page.items.map((c) => c.client_id)).toEqual([clientId]);
      expect(page.next_cursor).toBeUndefined();
    });

    it.each([
      ['limit 0', { limit: 0 }],
      ['limit 201', { limit: 201 }],
      ['limit 1.5', { limit: 1.5 }],
      ['a cursor with characters outside base64url', { cursor: 'not a cursor!' }],
      ['an empty cursor', { cursor: '' }],
    ])('rejects %s with invalid_request', async (_case, request) => {
      expect(await rejection(service.list(request))).toBeInstanceOf(InvalidRequest);
    });
  });

  describe('ensureBootstrapAdmin', () => {
    it('creates the admin client once, returning its credentials only the first time', async () => {
      const first = await service.ensureBootstrapAdmin();
      if (first.status !== 'created') throw new Error(`expected created, got ${first.status}`);
      secrets.push(first.client_secret);
      expect(first.client_id).toBe('argus-admin');
      expect(first.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await service.ensureBootstrapAdmin()).toEqual({ status: 'unchanged', client_id: 'argus-admin' });

      const admin = await service.authenticate({ credentials: basic(first.client_id, first.client_secret), client_ip: IP });
      expect(admin).toMatchObject({ grant_types: ['client_credentials'], scope: ['argus:admin'] });
    });

    it('uses fixed credentials from the environment, and applies a changed configured secret as a rotation', async () => {
      const fixed = { clientId: 'ops-admin', secret: 'x'.repeat(24) + 'fixed-bootstrap-secret' };
      secrets.push(fixed.secret);
      expect(await service.ensureBootstrapAdmin(fixed)).toEqual({ status: 'created', client_id: 'ops-admin', client_secret: fixed.secret });
      expect(await service.ensureBootstrapAdmin(fixed)).toEqual({ status: 'unchanged', client_id: 'ops-admin' });
      await expect(service.authenticate({ credentials: basic('ops-admin', fixed.secret), client_ip: IP })).resolves.toMatchObject({ client_id: 'ops-admin' });

      const changed = { clientId: 'ops-admin', secret: 'y'.repeat(24) + 'changed-bootstrap-secret' };
      secrets.push(changed.secret);
      expect(await service.ensureBootstrapAdmin(changed)).toEqual({ status: 'secret_applied', client_id: 'ops-admin' });
      expect(eventsOf('client.secret_rotated', 'ops-admin')).toHaveLength(1);
      await expect(service.authenticate({ credentials: basic('ops-admin', changed.secret), client_ip: IP })).resolves.toMatchObject({ client_id: 'ops-admin' });
      expect(await rejection(service.authenticate({ credentials: basic('ops-admin', fixed.secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
    });
  });

  describe('resetAdminSecret', () => {
    it('gives an existing admin client a new secret, re-enables it, and refuses the old one at once', async () => {
      const fixed = { clientId: 'reset-admin', secret: 'z'.repeat(40) };
      secrets.push(fixed.secret);
      await service.ensureBootstrapAdmin(fixed);
      await service.authenticate({ credentials: basic('reset-admin', fixed.secret), client_ip: IP });
      await service.update({ client_id: 'reset-admin', patch: { enabled: false } });

      const reset = await service.resetAdminSecret('reset-admin');
      secrets.push(reset.client_secret);
      expect(reset).toEqual({ client_id: 'reset-admin', client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), created: false });
      expect(eventsOf('client.secret_rotated', 'reset-admin')).toHaveLength(1);
      await expect(service.authenticate({ credentials: basic('reset-admin', reset.client_secret), client_ip: IP })).resolves.toMatchObject({ scope: ['argus:admin'] });
      expect(await rejection(service.authenticate({ credentials: basic('reset-admin', fixed.secret), client_ip: IP }))).toBeInstanceOf(InvalidClient);
    });

    it('creates the admin client when it is missing', async () => {
      const reset = await service.resetAdminSecret('brand-new-admin');
      secrets.push(reset.client_secret);
      expect(reset.created).toBe(true);
      await expect(service.authenticate({ credentials: basic('brand-new-admin', reset.client_secret), client_ip: IP })).resolves.toMatchObject({ scope: ['argus:admin'] });
    });

    it('refuses to turn a client that is not an admin client into one', async () => {
      const { clientId, secret } = await createClient();
      const err = await rejection(service.resetAdminSecret(clientId));
      expect(err).toBeInstanceOf(InvalidRequest);
      expect(err.error_description).toContain('not an admin client');
      await expect(service.authenticate({ credentials: basic(clientId, secret), client_ip: IP })).resolves.toMatchObject({ client_id: clientId });
    });
  });

  // DESIGN.md "Events": never a secret, only ids. Runs last, over every event published above.
  describe('events', () => {
    it('never contain a client secret or a hash', () => {
      expect(events.length).toBeGreaterThan(20);
      expect(secrets.length).toBeGreaterThan(20);
      const text = JSON.stringify(events);
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain('$argon2');
      expect(text).not.toContain('client_secret');
    });
  });
});
