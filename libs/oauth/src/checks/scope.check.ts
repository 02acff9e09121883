import { InvalidRequest, InvalidScope } from '../errors';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** Splits a space-delimited scope string into distinct scope-tokens (RFC 6749 §3.3). */
export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  const tokens = scope.split(' ').filter((t) => t.length > 0);
  for (const token of tokens) {
    if (!isScopeToken(token)) throw new InvalidRequest(`scope contains an invalid scope-token: "${token}"`);
  }
  return [...new Set(tokens)];
}

/**
 * RFC 6749 §3.3: an omitted scope gets the client's registered scopes; asking for a scope the
 * client may not use is invalid_scope, never a silent narrowing.
 */
export function checkRequestedScope(requested: string[], allowed: string[]): string[] {
  if (requested.length === 0) return [...allowed];
  const allowedSet = new Set(allowed);
  const refused = requested.filter((s) => !allowedSet.has(s));
  if (refused.length > 0) {
    throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  }
  return requested;
}
