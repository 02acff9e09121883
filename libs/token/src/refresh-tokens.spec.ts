import type { CloudEvent } from '@argus/contracts';
import { InProcessEventBus } from '@argus/events';
import { CreateSigningKeys1763850000000, KeyEncryption, KeysService, SigningKeyEntity } from '@argus/keys';
import { openServiceDataSource, serviceDataSourceOptions } from '@argus/persistence';
import { loadConfig } from '@argus/platform';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import pino from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, Repository } from 'typeorm';
import { CreateRefreshTokens1763860000100 } from './migrations/1763860000100-create-refresh-tokens';
import { AddRefreshFamilyExpiry1763860000200 } from './migrations/1763860000200-add-refresh-family-expiry';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokens } from './refresh-tokens';

jest.setTimeout(30_000);

describe(RefreshTokens.name, () => {
  let dir: string;
  let sources: DataSource[];
  let repo: Repository<RefreshTokenEntity>;
  let bus: InProcessEventBus;
  let tokens: RefreshTokens;
  const events: CloudEvent[] = [];
  const config = loadConfig({ ARGUS_ISSUER: 'https://id.example.com' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-refresh-spec-'));
    const url = `sqlite:${join(dir, 'argus.sqlite')}`;
    const keysSource = await openServiceDataSource('keys', serviceDataSourceOptions(url, 'keys', [SigningKeyEntity], [CreateSigningKeys1763850000000]));
    const tokenSource = await openServiceDataSource('token', serviceDataSourceOptions(url, 'token', [RefreshTokenEntity], [CreateRefreshTokens1763860000100, AddRefreshFamilyExpiry1763860000200]));
    sources = [keysSource, tokenSource];
    bus = new InProcessEventBus();
    bus.subscribe('token.*', (e) => events.push(e));
    const keys = new KeysService(keysSource.getRepository(SigningKeyEntity), new KeyEncryption(randomBytes(32).toString('base64')), bus);
    await keys.onModuleInit();
    repo = tokenSource.getRepository(RefreshTokenEntity);
    tokens = new RefreshTokens(repo, keys, bus, config, pino({ level: 'silent' }));
    tokens.onModuleInit();
  });

  afterAll(async () => {
    for (const source of sources) await source.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  /** A refresh as the grant does it: sign the successor, then commit the rotation. */
  async function rotate(jti: string) {
    const row = await repo.findOneBy({ jti });
    const successor = await tokens.prepare({ grantId: row?.grantId ?? randomUUID(), clientId: 'web', sub: 'u1', scope: ['openid', 'offline_access'], familyExpiresAt: row?.familyExpiresAt ?? 0 });
    return tokens.commitRotation(jti, successor);
  }

  async function issue(grantId = randomUUID()) {
    const token = await tokens.issue({ grantId, clientId: 'web', sub: 'u1', scope: ['openid', 'offline_access'] });
    const claims = (await tokens.verify(token))!;
    return { token, claims, grantId };
  }

  it('issues a signed rt+jwt whose row holds no token', async () => {
    const { token, claims, grantId } = await issue();
    expect(claims).toMatchObject({ iss: 'https://id.example.com', client_id: 'web', sub: 'u1', grant_id: grantId, scope: 'openid offline_access' });
    const row = await repo.findOneByOrFail({ jti: claims.jti });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await tokens.verify(`${token}x`)).toBeUndefined();
    expect(await tokens.verify('garbage')).toBeUndefined();
  });

  it('rotates once: of two concurrent uses exactly one wins, the other is reuse', async () => {
    const { claims } = await issue();
    const results = await Promise.all([rotate(claims.jti), rotate(claims.jti)]);
    expect(results.map((r) => r.kind).sort()).toEqual(['reused', 'rotated']);
  });

  it('any later use of a rotated token is reuse', async () => {
    const { claims } = await issue();
    expect((await rotate(claims.jti)).kind).toBe('rotated');
    expect((await rotate(claims.jti)).kind).toBe('reused');
  });

  it('revokeGrant revokes every token of the family and denylists the grant by event', async () => {
    const grantId = randomUUID();
    const first = await issue(grantId);
    const second = await issue(grantId);
    const other = await issue();
    await tokens.revokeGrant({ grantId, clientId: 'web' }, 'test');
    expect((await rotate(first.claims.jti)).kind).toBe('invalid');
    expect((await rotate(second.claims.jti)).kind).toBe('invalid');
    expect((await rotate(other.claims.jti)).kind).toBe('rotated');
    expect(events.some((e) => e.type === 'argus.token.revoked' && e.data.grant_id === grantId)).toBe(true);
  });

  it('a grant revoked elsewhere (code replay event) takes its refresh tokens with it', async () => {
    const { claims, grantId } = await issue();
    await bus.publish({ specversion: '1.0', id: randomUUID(), source: '/test', type: 'argus.token.revoked', time: new Date().toISOString(), datacontenttype: 'application/json', data: { grant_id: grantId, client_id: 'web', exp: 0 } });
    expect((await rotate(claims.jti)).kind).toBe('invalid');
  });

  it('a successor issued after its family was revoked (a racing reuse) is refused', async () => {
    const grantId = randomUUID();
    const first = await issue(grantId);
    expect((await rotate(first.claims.jti)).kind).toBe('rotated');
    await tokens.revokeFamily(grantId); // the loser of the race detects reuse
    const successor = await issue(grantId); // the winner's new token lands afterwards
    expect((await rotate(successor.claims.jti)).kind).toBe('invalid');
  });

  it('purges rows of expired tokens only', async () => {
    const { claims } = await issue();
    const farFuture = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
    expect(await tokens.purgeExpired(farFuture)).toBeGreaterThan(0);
    expect(await repo.findOneBy({ jti: claims.jti })).toBeNull();
    const live = await issue();
    await tokens.purgeExpired();
    expect(await repo.findOneBy({ jti: live.claims.jti })).not.toBeNull();
  });

  it('stores nothing until the rotation commits: a refresh that fails before it leaves the token usable', async () => {
    const { claims } = await issue();
    const row = await repo.findOneByOrFail({ jti: claims.jti });
    const unused = await tokens.prepare({ grantId: row.grantId, clientId: 'web', sub: 'u1', scope: ['openid'], familyExpiresAt: row.familyExpiresAt! });
    expect(await repo.findOneBy({ jti: unused.row.jti })).toBeNull(); // signed, never stored: never valid
    expect(tokens.state(await tokens.find(claims.jti)).kind).toBe('usable');
    const rotation = await rotate(claims.jti);
    expect(rotation.kind).toBe('rotated');
    expect(await repo.findOneBy({ jti: rotation.kind === 'rotated' ? rotation.row.jti : '' })).not.toBeNull();
  });

  it('a lost race deletes the loser\'s successor again', async () => {
    const { claims } = await issue();
    const results = await Promise.all([rotate(claims.jti), rotate(claims.jti)]);
    const rows = await repo.findBy({ grantId: (await repo.findOneByOrFail({ jti: claims.jti })).grantId });
    expect(rows).toHaveLength(2); // the presented token and the winner's successor
    expect(results.filter((r) => r.kind === 'rotated')).toHaveLength(1);
  });

  it('gives the family an absolute end and never lets a rotated token outlive it', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { claims } = await issue();
    const row = await repo.findOneByOrFail({ jti: claims.jti });
    expect(row.familyExpiresAt).toBeGreaterThanOrEqual(before + config.ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL);
    const successor = await tokens.prepare({ grantId: row.grantId, clientId: 'web', sub: 'u1', scope: ['openid'], ttlSeconds: 3600, familyExpiresAt: before + 10 });
    expect(successor.row.expiresAt).toBe(before + 10);
    expect((await tokens.verify(successor.token))!.exp).toBe(before + 10);
  });

  it('an unknown jti is invalid', async () => {
    expect((await rotate(randomUUID())).kind).toBe('invalid');
  });
});
