import { KeysContract, type CodeGrant, type KeysApi, type SigningAlgorithm } from '@argus/contracts';
import { nowSeconds } from '@argus/persistence';
import { ArgusConfig } from '@argus/platform';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';

const ID_TOKEN_TTL = 3600;

/** OIDC Core §3.3.2.11: the left half of the SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

/** OpenID Connect ID tokens: RS256 by default (OIDC's mandatory algorithm), per client otherwise. */
@Injectable()
export class IdTokenIssuer {
  constructor(
    @Inject(KeysContract.token) private readonly keys: KeysApi,
    private readonly config: ArgusConfig,
  ) {}

  async issue(grant: CodeGrant, clientId: string, accessToken: string, alg: string | undefined): Promise<string> {
    const now = nowSeconds();
    const payload = {
      ...grant.claims,
      iss: this.config.ARGUS_ISSUER,
      sub: grant.sub,
      aud: clientId,
      exp: now + ID_TOKEN_TTL,
      iat: now,
      auth_time: grant.auth_time,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
      at_hash: accessTokenHash(accessToken),
      sid: grant.sid,
      amr: grant.amr,
    };
    return (await this.keys.sign({ alg: (alg ?? 'RS256') as SigningAlgorithm, typ: 'JWT', payload })).jwt;
  }
}
