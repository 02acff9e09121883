import {
  EventTypes,
  SIGNING_ALGORITHMS,
  type JwksDocument,
  type KeySummary,
  type KeysApi,
  type PublicJwk,
  type SignRequest,
  type SignedJwt,
  type SigningAlgorithm,
} from '@argus/contracts';
import { EventBus } from '@argus/events';
import { InvalidRequest } from '@argus/oauth';
import { nowSeconds } from '@argus/persistence';
import { jwtsSigned } from '@argus/platform';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import type { Repository } from 'typeorm';
import { KEY_ENCRYPTION } from './keys.tokens';
import type { KeyEncryption } from './key-encryption';
import { SigningKeyEntity } from './signing-key.entity';

interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyLike;
}

/**
 * The only holder of private keys. On first start it creates one ES256 and one RS256 key,
 * stores the private halves encrypted, and signs with the active key of the asked algorithm.
 */
@Injectable()
export class KeysService implements KeysApi, OnModuleInit {
  private readonly activeKeys = new Map<SigningAlgorithm, LoadedKey>();
  private jwksDocument: JwksDocument = { keys: [] };

  constructor(
    @InjectRepository(SigningKeyEntity, 'keys') private readonly keys: Repository<SigningKeyEntity>,
    @Inject(KEY_ENCRYPTION) private readonly encryption: KeyEncryption,
    private readonly events: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const alg of SIGNING_ALGORITHMS) {
      const active = await this.keys.findOne({ where: { alg, status: 'active' } });
      if (!active) await this.createActiveKey(alg);
    }
    await this.reload();
    this.events.subscribe(EventTypes.keyRotated, () => void this.reload());
  }

  async sign({ alg, typ, payload }: SignRequest): Promise<SignedJwt> {
    const key = this.activeKeys.get(alg);
    if (!key) throw new InvalidRequest(`no active signing key for alg ${alg}`);
    const jwt = await new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid, typ }).sign(key.privateKey);
    jwtsSigned.inc({ typ });
    return { jwt, kid: key.kid };
  }

  async jwks(): Promise<JwksDocument> {
    return this.jwksDocument;
  }

  async list(): Promise<KeySummary[]> {
    const rows = await this.keys.find({ order: { createdAt: 'ASC' } });
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      status: row.status,
      created_at: row.createdAt,
      activated_at: row.activatedAt ?? undefined,
      retired_at: row.retiredAt ?? undefined,
    }));
  }

  /** Reads every published key and decrypts the active ones into memory. */
  private async reload(): Promise<void> {
    const rows = await this.keys.find({ order: { createdAt: 'ASC' } });
    this.jwksDocument = { keys: rows.map((row) => JSON.parse(row.publicJwk) as PublicJwk) };
    for (const row of rows.filter((r) => r.status === 'active')) {
      const alg = row.alg as SigningAlgorithm;
      if (this.activeKeys.get(alg)?.kid === row.kid) continue;
      const privateKey = (await importJWK(await this.encryption.decrypt(row.privateJwe), alg)) as KeyLike;
      this.activeKeys.set(alg, { kid: row.kid, alg, privateKey });
    }
  }

  private async createActiveKey(alg: SigningAlgorithm): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const published: PublicJwk = { ...(publicJwk as JWK & { kty: string }), kid, alg, use: 'sig' };
    const now = nowSeconds();
    try {
      await this.keys.insert({
        kid,
        alg,
        status: 'active',
        publicJwk: JSON.stringify(published),
        privateJwe: await this.encryption.encrypt(await exportJWK(privateKey), kid),
        createdAt: now,
        activatedAt: now,
        retiredAt: null,
      });
    } catch (err) {
      // Another instance created the active key first (unique index): use theirs.
      const existing = await this.keys.findOne({ where: { alg, status: 'active' } });
      if (!existing) throw err;
    }
  }
}
