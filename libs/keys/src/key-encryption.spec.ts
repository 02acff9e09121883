import { decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { randomBytes } from 'node:crypto';
import { KeyEncryption } from './key-encryption';

const kek = () => randomBytes(32).toString('base64');

describe(KeyEncryption.name, () => {
  it('round-trips a private JWK', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const encryption = new KeyEncryption(kek());
    const jwe = await encryption.encrypt(jwk, 'kid-1');
    expect(await encryption.decrypt(jwe)).toEqual(jwk);
  });

  it('writes a compact JWE (dir + A256GCM) that names the kid and does not contain the private key', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    const jwe = await new KeyEncryption(kek()).encrypt(jwk, 'kid-2');
    expect(jwe.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'kid-2' });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
      expect(jwk[member]).toEqual(expect.any(String));
      expect(jwe).not.toContain(jwk[member]!.slice(0, 32));
    }
    expect(Buffer.from(jwe.split('.')[3], 'base64url').toString('latin1')).not.toContain('"d"');
  });

  it('encrypts the same key differently each time (fresh IV)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const encryption = new KeyEncryption(kek());
    expect(await encryption.encrypt(jwk, 'k')).not.toBe(await encryption.encrypt(jwk, 'k'));
  });

  it('cannot decrypt under another KEK', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwe = await new KeyEncryption(kek()).encrypt(await exportJWK(privateKey), 'kid-1');
    await expect(new KeyEncryption(kek()).decrypt(jwe)).rejects.toThrow();
  });

  it('detects a tampered ciphertext', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const encryption = new KeyEncryption(kek());
    const parts = (await encryption.encrypt(await exportJWK(privateKey), 'kid-1')).split('.');
    const ciphertext = Buffer.from(parts[3], 'base64url');
    ciphertext[0] ^= 1;
    parts[3] = ciphertext.toString('base64url');
    await expect(encryption.decrypt(parts.join('.'))).rejects.toThrow();
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['empty', ''],
  ])('refuses a KEK of %s', (_case, value) => {
    expect(() => new KeyEncryption(value)).toThrow('32 bytes');
  });
});
