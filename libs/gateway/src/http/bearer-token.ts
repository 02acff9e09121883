import { InvalidRequest, InvalidToken, MissingBearerToken } from '@argus/oauth';
import { FormBody } from '@argus/platform';
import type { FastifyRequest } from 'fastify';

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

/** The access token of a request: RFC 6750 §2.1 (header) or §2.2 (form body), never both. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const fromBody = request.body instanceof FormBody ? request.body.values.access_token : undefined;
  if (header && fromBody) throw new InvalidRequest('the access token was sent both in the header and in the body');
  if (fromBody) return fromBody;
  return bearerFromHeader(header, 'a Bearer access token is required');
}
