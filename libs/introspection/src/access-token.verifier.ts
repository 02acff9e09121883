import { KeysContract, type KeysApi } from '@argus/contracts';
import { JwksCache } from '@argus/oauth';
import { ArgusConfig } from '@argus/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';

export interface AccessTokenClaims extends JWTPayload {
  client_id: string;
  scope?: string;
  grant_id?: string;
}

/** Verifies this issuer's RFC 9068 access tokens (`typ: at+jwt`) with the published keys. */
@Injectable()
export class AccessTokenVerifier {
  private readonly jwks: JwksCache;

  constructor(
    @Inject(KeysContract.token) keys: KeysApi,
    private readonly config: ArgusConfig,
  ) {
    this.jwks = new JwksCache(() => keys.jwks({}));
  }

  /** The claims, or undefined for anything that is not a valid, current access token of ours. */
  verify(token: string): Promise<AccessTokenClaims | undefined> {
    return this.jwks.verify<AccessTokenClaims>(token, {
      issuer: this.config.ARGUS_ISSUER,
      typ: 'at+jwt',
      algorithms: ['ES256', 'RS256'],
      requiredClaims: ['exp', 'iat', 'jti', 'client_id', 'sub'],
    });
  }

  /** Drops the cached key set (a key was rotated). */
  invalidate(): void {
    this.jwks.invalidate();
  }
}
