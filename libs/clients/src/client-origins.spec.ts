import pino from 'pino';
import { InProcessEventBus } from '@argus/events';
import { InvalidRequest } from '@argus/oauth';
import { openServiceDataSource, serviceDataSourceOptions } from '@argus/persistence';
import { Argon2SecretHasher, loadConfig } from '@argus/platform';
import { rejection } from '@argus/testing/unit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ClientOriginEntity } from './client-origin.entity';
import { ClientOrigins } from './client-origins';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { CreateClients1763850000100 } from './migrations/1763850000100-create-clients';
import { CreateClientOrigins1764460000000 } from './migrations/1764460000000-create-client-origins';

const SPA = 'https://spa.example.com';
const OTHER = 'https://other.example.com';

describe(ClientOrigins.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let origins: ClientOrigins;
  let service: ClientsService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-origins-spec-'));
    dataSource = await openServiceDataSource(
      'clients',
      serviceDataSourceOptions(`sqlite:${join(dir, 'argus.sqlite')}`, 'clients', [ClientEntity, ClientOriginEntity], [CreateClients1763850000100, CreateClientOrigins1764460000000]),
    );
    origins = new ClientOrigins(dataSource.getRepository(ClientOriginEntity), dataSource.getRepository(ClientEntity));
    service = new ClientsService(dataSource.getRepository(ClientEntity), new Argon2SecretHasher(), new InProcessEventBus(), loadConfig({}), pino({ level: 'silent' }), origins);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function spaClient(metadata: Record<string, unknown> = {}): Promise<string> {
    const created = await service.create({ metadata: { redirect_uris: [`${SPA}/cb`], token_endpoint_auth_method: 'none', ...metadata } });
    return created.client_id;
  }

  it('allows the origins of the redirect URIs for that client, and for "any client"', async () => {
    const clientId = await spaClient();
    expect(await service.originAllowed({ origin: SPA, client_id: clientId })).toEqual({ allowed: true });
    expect(await service.originAllowed({ origin: SPA })).toEqual({ allowed: true });
    expect(await service.originAllowed({ origin: OTHER, client_id: clientId })).toEqual({ allowed: false });
  });

  it('refuses an origin no client registered, and an unknown client', async () => {
    expect(await service.originAllowed({ origin: 'https://never.example.com' })).toEqual({ allowed: false });
    expect(await service.originAllowed({ origin: SPA, client_id: 'no-such-client' })).toEqual({ allowed: false });
  });

  it('follows an update: an explicit list replaces the redirect URI origins in the registry', async () => {
    const lone = 'https://lone.example.com';
    const created = await service.create({ metadata: { redirect_uris: [`${lone}/cb`], token_endpoint_auth_method: 'none' } });
    expect(await service.originAllowed({ origin: lone })).toEqual({ allowed: true });

    await service.update({ client_id: created.client_id, patch: { allowed_origins: [OTHER] } });
    expect(await service.originAllowed({ origin: lone })).toEqual({ allowed: false });
    expect(await service.originAllowed({ origin: lone, client_id: created.client_id })).toEqual({ allowed: false });
    expect(await service.originAllowed({ origin: OTHER, client_id: created.client_id })).toEqual({ allowed: true });

    await service.update({ client_id: created.client_id, patch: { allowed_origins: null } });
    expect(await service.originAllowed({ origin: lone, client_id: created.client_id })).toEqual({ allowed: true });
    expect(await service.originAllowed({ origin: lone })).toEqual({ allowed: true });
  });

  it('forgets a deleted client\'s origins', async () => {
    const gone = 'https://gone.example.com';
    const created = await service.create({ metadata: { redirect_uris: [`${gone}/cb`], token_endpoint_auth_method: 'none' } });
    await service.remove({ client_id: created.client_id });
    expect(await service.originAllowed({ origin: gone })).toEqual({ allowed: false });
  });

  it('grants nothing for allowed_origins: []', async () => {
    const none = 'https://none.example.com';
    const clientId = await service.create({ metadata: { redirect_uris: [`${none}/cb`], token_endpoint_auth_method: 'none', allowed_origins: [] } });
    expect(await service.originAllowed({ origin: none, client_id: clientId.client_id })).toEqual({ allowed: false });
    expect(await service.originAllowed({ origin: none })).toEqual({ allowed: false });
  });

  it('rejects an origin that is not a short string', async () => {
    expect(await rejection(service.originAllowed({ origin: 'x'.repeat(301) }))).toBeInstanceOf(InvalidRequest);
    expect(await rejection(service.originAllowed({ origin: 42 as unknown as string }))).toBeInstanceOf(InvalidRequest);
  });

  it('returns RFC 8252 §8.3 warnings for localhost in the create and update responses only', async () => {
    const created = await service.create({ metadata: { redirect_uris: ['http://localhost:5173/cb'], token_endpoint_auth_method: 'none' } });
    expect(created.warnings).toEqual([expect.stringContaining('RFC 8252 §8.3')]);
    const updated = await service.update({ client_id: created.client_id, patch: { redirect_uris: ['http://127.0.0.1:5173/cb'] } });
    expect(updated).not.toHaveProperty('warnings');
    expect(await service.get({ client_id: created.client_id })).not.toHaveProperty('warnings');
  });

  it('the migration fills the registry from the clients registered before it', async () => {
    const oldDir = mkdtempSync(join(tmpdir(), 'argus-origins-migration-'));
    const url = `sqlite:${join(oldDir, 'argus.sqlite')}`;
    try {
      const before = await openServiceDataSource('clients', serviceDataSourceOptions(url, 'clients', [ClientEntity], [CreateClients1763850000100]));
      const metadata = { redirect_uris: ['https://legacy.example.com/cb', 'com.example.app:/cb'], token_endpoint_auth_method: 'none' };
      await before.getRepository(ClientEntity).insert({
        clientId: 'legacy', metadata: JSON.stringify(metadata), owner: null, enabled: true, secretHash: null,
        previousSecretHash: null, previousSecretExpiresAt: null, createdAt: 1, updatedAt: 1,
      });
      await before.destroy();
      const after = await openServiceDataSource(
        'clients',
        serviceDataSourceOptions(url, 'clients', [ClientEntity, ClientOriginEntity], [CreateClients1763850000100, CreateClientOrigins1764460000000]),
      );
      expect(await after.getRepository(ClientOriginEntity).find()).toEqual([{ origin: 'https://legacy.example.com', clientId: 'legacy' }]);
      await after.destroy();
    } finally {
      rmSync(oldDir, { recursive: true, force: true });
    }
  });
});
