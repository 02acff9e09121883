import { SIGNING_ALGORITHMS, type PublicJwk } from '@argus/contracts';
import { InProcessEventBus } from '@argus/events';
import { InvalidRequest } from '@argus/oauth';
import { openServiceDataSource, serviceDataSourceOptions } from '@argus/persistence';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, Repository } from 'typeorm';
import { KeyEncryption } from './key-encryption';
import { KeysService } from './keys.service';
import { CreateSigningKeys1763850000000 } from './migrations/1763850000000-create-signing-keys';
import { SigningKeyEntity } from './signing-key.entity';

jest.setTimeout(30_000);

/** Private members of EC, RSA, OKP and symmetric JWKs (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe(KeysService.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let repo: Repository<SigningKeyEntity>;
  let kek: string;
  let service: KeysService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-keys-spec-'));
    dataSource = await openServiceDataSource(
      'keys',
      serviceDataSourceOptions(`sqlite:${join(dir, 'argus.sqlite')}`, 'keys', [SigningKeyEntity], [CreateSigningKeys1763850000000]),
    );
    repo = dataSource.getRepository(SigningKeyEntity);
    kek = randomBytes(32).toString('base64');
    service = new KeysService(repo, new KeyEncryption(kek), new InProcessEventBus());
    await service.onModuleInit();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one active ES256 and one active RS256 key on first start', async () => {
    const keys = await service.list();
    expect(keys.map((k) => [k.alg, k.status]).sort()).toEqual([
      ['ES256', 'active'],
      ['RS256', 'active'],
    ]);
    for (const key of keys) {
      expect(key.activated_at).toEqual(expect.any(Number));
      expect(key.retired_at).toBeUndefined();
    }
  });

  it('publishes every key in the JWKS with use sig, alg and kid', async () => {
    const { keys } = await service.jwks();
    expect(keys).toHaveLength(2);
    expect(keys.find((k) => k.alg === 'ES256')).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig' });
    expect(keys.find((k) => k.alg === 'RS256')).toMatchObject({ kty: 'RSA', e: 'AQAB', use: 'sig' });
    expect(((keys.find((k) => k.alg === 'RS256') as PublicJwk).n as string).length).toBeGreaterThanOrEqual(342); // ≥ 2048 bits
  });

  // DESIGN.md "Keys": kid is the RFC 7638 thumbprint.
  it('uses the RFC 7638 SHA-256 thumbprint of the public key as kid', async () => {
    const { keys } = await service.jwks();
    for (const key of keys) {
      expect(key.kid).toBe(await calculateJwkThumbprint(key as JWK, 'sha256'));
    }
    expect((await service.list()).map((k) => k.kid).sort()).toEqual(keys.map((k) => k.kid).sort());
  });

  it('publishes no private key member', async () => {
    const { keys } = await service.jwks();
    for (const key of keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });

  it.each([
    ['ES256', 'at+jwt'],
    ['RS256', 'JWT'],
  ] as const)('signs with the active %s key; the JWT verifies against the JWKS with typ %s', async (alg, typ) => {
    const now = Math.floor(Date.now() / 1000);
    const { jwt, kid } = await service.sign({ alg, typ, payload: { iss: 'https://id.example.com', sub: 'billing', iat: now, exp: now + 60 } });
    const jwks = await service.jwks();
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks as { keys: JWK[] }), {
      issuer: 'https://id.example.com',
      algorithms: [alg],
      typ,
    });
    expect(protectedHeader).toEqual({ alg, kid, typ });
    expect(jwks.keys.find((k) => k.kid === kid)?.alg).toBe(alg);
    expect(payload.sub).toBe('billing');
  });

  it('refuses an algorithm it has no active key for', async () => {
    await expect(service.sign({ alg: 'PS256' as 'ES256', typ: 'JWT', payload: {} })).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('stores the private keys encrypted: the private_jwe column does not contain d', async () => {
    const rows: { kid: string; private_jwe: string; public_jwk: string }[] = await dataSource.query('SELECT kid, private_jwe, public_jwk FROM signing_key');
    expect(rows).toHaveLength(2);
    const encryption = new KeyEncryption(kek);
    for (const row of rows) {
      const privateJwk = await encryption.decrypt(row.private_jwe);
      expect(privateJwk.d).toEqual(expect.any(String));
      expect(row.private_jwe).not.toContain(privateJwk.d);
      expect(row.public_jwk).not.toContain(privateJwk.d);
      // the stored private key belongs to the published public key
      expect(await calculateJwkThumbprint(privateJwk, 'sha256')).toBe(row.kid);
    }
  });

  it('lets a second instance on the same database reuse the keys instead of creating new ones', async () => {
    const before = (await service.list()).map((k) => k.kid).sort();
    const second = new KeysService(repo, new KeyEncryption(kek), new InProcessEventBus());
    await second.onModuleInit();
    expect((await second.list()).map((k) => k.kid).sort()).toEqual(before);
    expect(await repo.count()).toBe(2);
    expect(await second.jwks()).toEqual(await service.jwks());

    const { jwt, kid } = await second.sign({ alg: 'ES256', typ: 'at+jwt', payload: { sub: 'x' } });
    expect(before).toContain(kid);
    expect(decodeProtectedHeader(jwt).kid).toBe(kid);
    await expect(jwtVerify(jwt, createLocalJWKSet((await service.jwks()) as { keys: JWK[] }))).resolves.toBeDefined();
  });

  it('does not start with a KEK that cannot decrypt the stored keys', async () => {
    const wrong = new KeysService(repo, new KeyEncryption(randomBytes(32).toString('base64')), new InProcessEventBus());
    await expect(wrong.onModuleInit()).rejects.toThrow();
    expect(await repo.count()).toBe(2);
  });

  it('keeps exactly one active key per algorithm', async () => {
    for (const alg of SIGNING_ALGORITHMS) {
      expect(await repo.count({ where: { alg, status: 'active' } })).toBe(1);
    }
  });
});
