import { corsEndpoint } from './cors-policy';

describe(corsEndpoint.name, () => {
  // API.md "CORS": discovery and JWKS for any origin.
  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/.well-known/jwks.json?x=1'])(
    '%s is a public document for any origin (GET)',
    (path) => {
      expect(corsEndpoint(path)).toEqual({ audience: 'any-origin', methods: 'GET' });
    },
  );

  it.each([
    ['/oauth2/token', 'POST', 'client-auth'],
    ['/oauth2/revoke', 'POST', 'client-auth'],
    ['/oauth2/introspect', 'POST', 'client-auth'],
    ['/oauth2/userinfo', 'GET, POST', 'access-token'],
  ])('%s answers the origins of its client (%s, client from %s)', (path, methods, clientSource) => {
    expect(corsEndpoint(path)).toEqual({ audience: 'client-origins', methods, clientSource });
  });

  // Never the authorization endpoint, the pages, the admin API or the docs.
  it.each([
    '/oauth2/authorize',
    '/oauth2/logout',
    '/ui/login',
    '/ui/clients',
    '/admin/clients',
    '/api/me/clients',
    '/docs',
    '/docs-json',
    '/oauth2/token/',
    '/OAUTH2/TOKEN',
    '/oauth2/register',
    '/healthz',
  ])('%s answers no CORS', (path) => {
    expect(corsEndpoint(path)).toBeUndefined();
  });
});
