import type { PresentedClientCredentials } from '@argus/oauth';

export interface TokenRequest {
  /** Every form parameter of the request, repeated ones already rejected. */
  params: Record<string, string>;
  credentials: PresentedClientCredentials;
  client_ip: string;
}

/** RFC 6749 §5.1 */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

/** RFC 7009 for refresh tokens: the caller is already authenticated as `client_id`. */
export interface RevokeRefreshTokenRequest {
  token: string;
  client_id: string;
}
