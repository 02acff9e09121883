import type { ClientAuthMethod, PresentedClientCredentials } from '@argus/oauth';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** RFC 7591 client metadata plus the platform's own fields, as stored and returned. */
export interface ClientMetadata {
  client_name?: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string;
  token_endpoint_auth_method: ClientAuthMethod;
  post_logout_redirect_uris: string[];
  jwks_uri?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  contacts: string[];
  software_id?: string;
  software_version?: string;
  id_token_signed_response_alg?: string;
  owner?: string;
  required_role?: string;
  customer?: string;
  allowed_ip_ranges: string[];
  /** CORS origins set explicitly; absent = the origins of redirect_uris (see corsOrigins). */
  allowed_origins?: string[];
  skip_consent: boolean;
  access_token_ttl?: number;
  refresh_token_ttl?: number;
  enabled: boolean;
}

export interface RegisteredClient extends ClientMetadata {
  client_id: string;
  client_id_issued_at: number;
  updated_at: number;
  /** Create and update only: accepted but discouraged metadata (e.g. RFC 8252 §8.3 localhost). */
  warnings?: string[];
}

/** Returned once, at creation and at rotation: the only time a secret leaves the service. */
export interface RegisteredClientWithSecret extends RegisteredClient {
  client_secret?: string;
  client_secret_expires_at?: number;
}

export interface CreateClientRequest {
  metadata: Record<string, unknown>;
}

export interface UpdateClientRequest {
  client_id: string;
  patch: Record<string, unknown>;
}

export interface ClientIdRequest {
  client_id: string;
}

export interface ListClientsRequest {
  limit?: number;
  cursor?: string;
  owner?: string;
}

export interface ClientPage {
  items: RegisteredClient[];
  next_cursor?: string;
}

export interface RotateSecretRequest {
  client_id: string;
  grace_period_seconds: number;
}

export interface RotatedSecret {
  client_id: string;
  client_secret: string;
  client_secret_expires_at: number;
  previous_secret_valid_until?: number;
}

export interface AuthenticateClientRequest {
  credentials: PresentedClientCredentials;
  client_ip: string;
}

/** What a grant needs to know about an authenticated client: never a secret or its hash. */
export interface AuthenticatedClient {
  client_id: string;
  grant_types: string[];
  scope: string[];
  token_endpoint_auth_method: ClientAuthMethod;
  access_token_ttl?: number;
  refresh_token_ttl?: number;
  id_token_signed_response_alg?: string;
}

export interface ClientStatus {
  client_id: string;
  exists: boolean;
  enabled: boolean;
  /** The client's registered scope now: a token carrying more is no longer active (introspection). */
  scope?: string[];
}

/** Whether a web origin may make CORS requests: for one client, or (no client_id) for any client. */
export interface OriginAllowedRequest {
  origin: string;
  client_id?: string;
}

export interface OriginAllowed {
  allowed: boolean;
}
