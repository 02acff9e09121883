/**
 * API.md "CORS": which endpoints answer cross-origin requests, and for whom. Discovery and JWKS
 * are public documents (any origin); the token-style endpoints answer the origins of the calling
 * client. Every other path (authorize, the pages, the admin API, /docs) answers no CORS at all.
 */
export type CorsAudience = 'any-origin' | 'client-origins';

/** Where the request's client is named: in client authentication, or in the access token. */
export type ClientSource = 'client-auth' | 'access-token';

export interface CorsEndpoint {
  audience: CorsAudience;
  methods: string;
  clientSource?: ClientSource;
}

const PUBLIC_DOCUMENT: CorsEndpoint = { audience: 'any-origin', methods: 'GET' };
const CLIENT_AUTHENTICATED: CorsEndpoint = { audience: 'client-origins', methods: 'POST', clientSource: 'client-auth' };

const ENDPOINTS = new Map<string, CorsEndpoint>([
  ['/.well-known/openid-configuration', PUBLIC_DOCUMENT],
  ['/.well-known/oauth-authorization-server', PUBLIC_DOCUMENT],
  ['/.well-known/jwks.json', PUBLIC_DOCUMENT],
  ['/oauth2/token', CLIENT_AUTHENTICATED],
  ['/oauth2/revoke', CLIENT_AUTHENTICATED],
  ['/oauth2/introspect', CLIENT_AUTHENTICATED],
  ['/oauth2/userinfo', { audience: 'client-origins', methods: 'GET, POST', clientSource: 'access-token' }],
]);

/** The CORS rule for a request path (query string ignored), or undefined: no CORS here. */
export function corsEndpoint(url: string): CorsEndpoint | undefined {
  const query = url.indexOf('?');
  return ENDPOINTS.get(query === -1 ? url : url.slice(0, query));
}

/** Request headers a browser may send to the client endpoints (RFC 6749 §2.3.1 Basic, RFC 6750 Bearer, form bodies). */
export const CLIENT_ALLOWED_HEADERS = 'Authorization, Content-Type';

/** Response headers a script may read: the challenge of a 401 (RFC 6750 §3) and the back-off of a 429/503. */
export const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After';

/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;
