import * as argon2 from 'argon2';

/** Hashes and verifies secrets and passwords; services never import argon2 themselves. */
export abstract class SecretHasher {
  abstract hash(secret: string): Promise<string>;
  abstract verify(hash: string, secret: string): Promise<boolean>;
}

/** argon2id at the library's defaults (memory-hard; tens of milliseconds per call by design). */
export class Argon2SecretHasher extends SecretHasher {
  async hash(secret: string): Promise<string> {
    return argon2.hash(secret, { type: argon2.argon2id });
  }

  async verify(hash: string, secret: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, secret);
    } catch {
      return false;
    }
  }
}
