import { KeysContract, type JwksDocument, type KeysApi } from '@argus/contracts';
import { ArgusConfig } from '@argus/platform';
import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

export interface AccessTokenClaims extends JWTPayload {
  client_id: string;
  scope?: string;
  grant_id?: string;
}

const JWKS_REFRESH_MIN_INTERVAL_MS = 1000;

/**
 * Verifies this issuer's RFC 9068 access tokens with the published keys, kept in memory and
 * refreshed when a token names an unknown kid (at most once a second).
 */
@Injectable()
export class AccessTokenVerifier {
  private keySet?: ReturnType<typeof createLocalJWKSet>;
  private lastRefresh = 0;
  private refreshing?: Promise<void>;

  constructor(
    @Inject(KeysContract.token) private readonly keys: KeysApi,
    private readonly config: ArgusConfig,
  ) {}

  /** Returns the claims, or undefined for anything that is not a valid, current token of ours. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    if (!token || token.length > 8192 || token.split('.').length !== 3) return undefined;
    try {
      return await this.verifyWithKnownKeys(token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey && Date.now() - this.lastRefresh > JWKS_REFRESH_MIN_INTERVAL_MS) {
        await this.refresh();
        return this.verifyWithKnownKeys(token).catch(() => undefined);
      }
      return undefined;
    }
  }

  /** Drops the cached key set (a key was rotated). */
  invalidate(): void {
    this.keySet = undefined;
  }

  private async verifyWithKnownKeys(token: string): Promise<AccessTokenClaims | undefined> {
    if (!this.keySet) await this.refresh();
    const { payload } = await jwtVerify(token, this.keySet!, {
      issuer: this.config.ARGUS_ISSUER,
      typ: 'at+jwt',
      algorithms: ['ES256', 'RS256'],
      requiredClaims: ['exp', 'iat', 'jti', 'client_id', 'sub'],
    });
    return payload as AccessTokenClaims;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.keys
      .jwks({})
      .then((document: JwksDocument) => {
        this.keySet = createLocalJWKSet(document as Parameters<typeof createLocalJWKSet>[0]);
        this.lastRefresh = Date.now();
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
