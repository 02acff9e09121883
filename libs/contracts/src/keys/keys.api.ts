import type { JwksDocument, KeySummary, SignRequest, SignedJwt } from './keys.messages';

/** The only holder of private keys: others ask it to sign (KMS style). */
export interface KeysApi {
  sign(request: SignRequest): Promise<SignedJwt>;
  jwks(request: Record<string, never>): Promise<JwksDocument>;
  list(request: Record<string, never>): Promise<KeySummary[]>;
}
