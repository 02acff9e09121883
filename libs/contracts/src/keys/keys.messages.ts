export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
export type KeyStatus = 'next' | 'active' | 'retired';

export interface SignRequest {
  alg: SigningAlgorithm;
  /** The JOSE `typ` header, e.g. `at+jwt` (RFC 9068) or `JWT`. */
  typ: string;
  payload: Record<string, unknown>;
}

export interface SignedJwt {
  jwt: string;
  kid: string;
}

export interface PublicJwk {
  kid: string;
  kty: string;
  alg: string;
  use: 'sig';
  [member: string]: unknown;
}

export interface JwksDocument {
  keys: PublicJwk[];
}

export interface KeySummary {
  kid: string;
  alg: string;
  status: KeyStatus;
  created_at: number;
  activated_at?: number;
  retired_at?: number;
}
