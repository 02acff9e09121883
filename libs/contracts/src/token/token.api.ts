import type { RevokeRefreshTokenRequest, TokenRequest, TokenResponse } from './token.messages';

/** Grant handlers and refresh-token families: the token endpoint's domain. */
export interface TokenApi {
  exchange(request: TokenRequest): Promise<TokenResponse>;
  revokeRefreshToken(request: RevokeRefreshTokenRequest): Promise<{ revoked: boolean }>;
}
