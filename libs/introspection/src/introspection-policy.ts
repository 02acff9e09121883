import type { AuthenticatedClient, IntrospectionResponse } from '@argus/contracts';

/** A client registered with this scope may introspect every token (a resource server of the platform). */
export const INTROSPECT_SCOPE = 'argus:introspect';

/**
 * RFC 7662 §2.1 and §4: who learns what about a token, so that introspection cannot be used for
 * token scanning. Only confidential clients may call (checked before); a caller learns an active
 * token's metadata when the token was issued to it, when the token's `aud` names it (a resource
 * server registered as a client), or when it is registered with `argus:introspect`. Any other
 * token is answered `{"active": false}`, exactly as an unknown one.
 */
export function mayIntrospect(caller: Pick<AuthenticatedClient, 'client_id' | 'scope'>, token: IntrospectionResponse): boolean {
  if (caller.scope.includes(INTROSPECT_SCOPE)) return true;
  if (token.client_id === caller.client_id) return true;
  const audience = Array.isArray(token.aud) ? token.aud : token.aud === undefined ? [] : [token.aud];
  return audience.includes(caller.client_id);
}

/** A token is only as good as its client's current registration: scope removed from the client is gone from its tokens. */
export function withinScope(tokenScope: string | undefined, clientScope: string[]): boolean {
  return (tokenScope ?? '').split(' ').filter(Boolean).every((s) => clientScope.includes(s));
}
