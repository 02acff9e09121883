import { InvalidToken, MissingBearerToken } from '@argus/oauth';

/**
 * RFC 6750 §2.1 `credentials = "Bearer" 1*SP b64token`; the scheme name is case-insensitive
 * (RFC 9110 §11.1). No Authorization header, or another scheme, is "no credentials" (§3.1).
 */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function bearerFromHeader(header: string | undefined, required: string): string {
  if (!header || !/^bearer(\s|$)/i.test(header)) throw new MissingBearerToken(required);
  const match = BEARER.exec(header);
  if (!match) throw new InvalidToken('the Authorization header is not a valid Bearer credential (RFC 6750 §2.1)');
  return match[1];
}
