import type { PresentedClientCredentials } from '@argus/oauth';

export interface IntrospectRequest {
  credentials: PresentedClientCredentials;
  client_ip: string;
  token: string;
  token_type_hint?: string;
}

/** RFC 7662 §2.2 */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  token_type?: string;
  grant_id?: string;
}

export interface RevokeRequest {
  credentials: PresentedClientCredentials;
  client_ip: string;
  token: string;
  token_type_hint?: string;
}

/** Checks a Bearer access token presented to this server itself (admin API, userinfo). */
export interface InspectRequest {
  token: string;
}
