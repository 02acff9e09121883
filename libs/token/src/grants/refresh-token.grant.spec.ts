import type { AuthenticatedClient, AuthorizationApi, CloudEvent } from '@argus/contracts';
import { InProcessEventBus } from '@argus/events';
import { CreateSigningKeys1763850000000, KeyEncryption, KeysService, SigningKeyEntity } from '@argus/keys';
import { InvalidGrant } from '@argus/oauth';
import { openServiceDataSource, serviceDataSourceOptions } from '@argus/persistence';
import { loadConfig } from '@argus/platform';
import { rejection } from '@argus/testing/unit';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { AccessTokenIssuer } from '../access-token.issuer';
import { CreateRefreshTokens1763860000100 } from '../migrations/1763860000100-create-refresh-tokens';
import { AddRefreshFamilyExpiry1763860000200 } from '../migrations/1763860000200-add-refresh-family-expiry';
import { RefreshTokenEntity } from '../refresh-token.entity';
import { RefreshTokens } from '../refresh-tokens';
import { RefreshTokenGrant } from './refresh-token.grant';

jest.setTimeout(30_000);

/** An event bus whose audit store can be made unavailable, as JetStream can be. */
class FlakyBus extends InProcessEventBus {
  down = false;
  override async publish(event: CloudEvent): Promise<void> {
    if (this.down) throw new Error('JetStream did not acknowledge');
    return super.publish(event);
  }
}

describe(RefreshTokenGrant.name, () => {
  let dir: string;
  let sources: DataSource[];
  let bus: FlakyBus;
  let keys: KeysService;
  let refreshTokens: RefreshTokens;
  let grant: RefreshTokenGrant;
  const inactiveUsers = new Set<string>();
  const events: CloudEvent[] = [];
  const config = loadConfig({ ARGUS_ISSUER: 'https://id.example.com' });
  const client: AuthenticatedClient = { client_id: 'web', grant_types: ['authorization_code', 'refresh_token'], scope: ['openid', 'email', 'offline_access'], token_endpoint_auth_method: 'client_secret_basic' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-refresh-grant-spec-'));
    const url = `sqlite:${join(dir, 'argus.sqlite')}`;
    const keysSource = await openServiceDataSource('keys', serviceDataSourceOptions(url, 'keys', [SigningKeyEntity], [CreateSigningKeys1763850000000]));
    const tokenSource = await openServiceDataSource('token', serviceDataSourceOptions(url, 'token', [RefreshTokenEntity], [CreateRefreshTokens1763860000100, AddRefreshFamilyExpiry1763860000200]));
    sources = [keysSource, tokenSource];
    bus = new FlakyBus();
    bus.subscribe('token.*', (e) => events.push(e));
    keys = new KeysService(keysSource.getRepository(SigningKeyEntity), new KeyEncryption(randomBytes(32).toString('base64')), bus);
    await keys.onModuleInit();
    refreshTokens = new RefreshTokens(tokenSource.getRepository(RefreshTokenEntity), keys, bus, config, pino({ level: 'silent' }));
    const authorization = { userStatus: async ({ id }: { id: string }) => ({ active: !inactiveUsers.has(id) }) } as unknown as AuthorizationApi;
    grant = new RefreshTokenGrant(authorization, refreshTokens, new AccessTokenIssuer(keys, bus, config), bus);
  });

  afterAll(async () => {
    for (const source of sources) await source.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    bus.down = false;
    jest.restoreAllMocks();
  });

  const newGrant = (sub = 'u1') => refreshTokens.issue({ grantId: randomUUID(), clientId: 'web', sub, scope: ['openid', 'email', 'offline_access'] });
  const refresh = (token: string, as: AuthenticatedClient = client) => grant.handle({ client: as, params: { grant_type: 'refresh_token', refresh_token: token }, clientIp: '10.0.0.1' });

  it.each<[string, () => void]>([
    ['the audit event is not acknowledged', () => (bus.down = true)],
    ['the keys service cannot sign', () => jest.spyOn(keys, 'sign').mockRejectedValue(new Error('keys service down'))],
  ])('a refresh that fails because %s leaves the presented token valid: the retry rotates, no reuse', async (_name, breakIt) => {
    const token = await newGrant();
    breakIt();
    await expect(refresh(token)).rejects.toThrow();
    bus.down = false;
    jest.restoreAllMocks();
    const before = events.length;
    const retried = await refresh(token);
    expect(retried.refresh_token).toBeDefined();
    expect(events.slice(before).map((e) => e.type)).not.toContain('argus.token.refresh_reuse_detected');
    expect((await refresh(retried.refresh_token!)).access_token).toBeDefined();
  });

  it('a rotated token presented again is reuse: invalid_grant, the family revoked, the event published', async () => {
    const token = await newGrant();
    const next = await refresh(token);
    const err = await rejection(refresh(token));
    expect(err).toBeInstanceOf(InvalidGrant);
    expect(err.error_description).toMatch(/already used/);
    expect(events.at(-1)?.type).toBe('argus.token.refresh_reuse_detected');
    expect(await rejection(refresh(next.refresh_token!))).toBeInstanceOf(InvalidGrant);
  });

  it('refuses a user who is no longer active for the client, and burns nothing', async () => {
    const token = await newGrant('leaver');
    inactiveUsers.add('leaver');
    const err = await rejection(refresh(token));
    expect(err).toBeInstanceOf(InvalidGrant);
    expect(err.error_description).toMatch(/role/);
    inactiveUsers.delete('leaver');
    expect((await refresh(token)).access_token).toBeDefined();
  });

  it('re-intersects the scope with the client\'s current scope; without offline_access there is no refresh', async () => {
    const token = await newGrant();
    const narrowed = await refresh(token, { ...client, scope: ['openid', 'offline_access'] });
    expect(narrowed.scope).toBe('openid offline_access');
    const err = await rejection(refresh(narrowed.refresh_token!, { ...client, scope: ['openid'] }));
    expect(err).toBeInstanceOf(InvalidGrant);
    expect(err.error_description).toMatch(/offline_access/);
  });

  it('refuses a family past its absolute lifetime', async () => {
    const token = await newGrant();
    const claims = (await refreshTokens.verify(token))!;
    const row = (await refreshTokens.find(claims.jti))!;
    jest.spyOn(refreshTokens, 'familyExpiry').mockReturnValue(row.familyExpiresAt! - config.ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL);
    const err = await rejection(refresh(token));
    expect(err).toBeInstanceOf(InvalidGrant);
    expect(err.error_description).toMatch(/absolute lifetime/);
  });
});
