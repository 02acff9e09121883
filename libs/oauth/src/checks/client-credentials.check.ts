import { InvalidClient, InvalidRequest } from '../errors';
import { optionalParam } from './params.check';
import type { PresentedClientCredentials } from '../ports/client-credentials';

/**
 * Reads the client's credentials from the Authorization header (client_secret_basic) or the
 * body (client_secret_post / none), RFC 6749 §2.3.1.
 */
export function extractClientCredentials(
  authorization: string | undefined,
  params: Readonly<Record<string, string>>,
): PresentedClientCredentials {
  const basic = authorization !== undefined ? parseBasicAuthorization(authorization) : undefined;
  // RFC 6749 §3.2: a parameter sent without a value is treated as omitted.
  const postId = optionalParam(params, 'client_id');
  const postSecret = optionalParam(params, 'client_secret');

  if (basic) {
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (postSecret !== undefined) {
      throw new InvalidRequest('client credentials were sent both in the Authorization header and in the body');
    }
    if (postId !== undefined && postId !== basic.client_id) {
      throw new InvalidRequest('client_id in the body does not match the Authorization header');
    }
    return { ...basic, method: 'client_secret_basic' };
  }
  if (postId === undefined) {
    throw new InvalidClient('client authentication is required (client_secret_basic or client_secret_post)');
  }
  if (postSecret !== undefined) {
    return { client_id: postId, client_secret: postSecret, method: 'client_secret_post' };
  }
  return { client_id: postId, method: 'none' };
}

/** RFC 7617 Basic credentials whose two parts are form-urlencoded (RFC 6749 §2.3.1). */
export function parseBasicAuthorization(header: string): { client_id: string; client_secret: string } | undefined {
  const match = /^Basic\s+(.*)$/i.exec(header.trim());
  if (!match) {
    if (/^Bearer\s/i.test(header.trim())) return undefined;
    throw new InvalidRequest('the Authorization header must use the Basic scheme');
  }
  const encoded = match[1].trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new InvalidRequest('the Basic credentials are not valid base64');
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new InvalidRequest('the Basic credentials must be client_id:client_secret');
  }
  try {
    return {
      client_id: decodeFormComponent(decoded.slice(0, colon)),
      client_secret: decodeFormComponent(decoded.slice(colon + 1)),
    };
  } catch {
    throw new InvalidRequest('the Basic credentials are not correctly form-urlencoded');
  }
}

function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
