import type { TokenRequest, TokenResponse } from './token.messages';

/** Grant handlers: the token endpoint's domain. */
export interface TokenApi {
  exchange(request: TokenRequest): Promise<TokenResponse>;
}
