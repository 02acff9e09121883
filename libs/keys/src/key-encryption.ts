import { compactDecrypt, CompactEncrypt, type JWK } from 'jose';

/**
 * Encrypts private JWKs at rest under the key-encryption key: a compact JWE with direct
 * AES-256-GCM (`dir` + `A256GCM`), so the format and the crypto are jose's, not ours.
 */
export class KeyEncryption {
  private readonly kek: Uint8Array;

  constructor(kekBase64: string) {
    const kek = Buffer.from(kekBase64, 'base64');
    if (kek.length !== 32) throw new Error('ARGUS_KEK must decode to exactly 32 bytes');
    this.kek = new Uint8Array(kek);
  }

  async encrypt(jwk: JWK, kid: string): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid })
      .encrypt(this.kek);
  }

  async decrypt(jwe: string): Promise<JWK> {
    const { plaintext } = await compactDecrypt(jwe, this.kek);
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  }
}
