import { routePattern } from './method-not-allowed';

describe(routePattern.name, () => {
  it.each([
    ['/oauth2/token', '/oauth2/token', true],
    ['/oauth2/token', '/oauth2/tokens', false],
    ['/oauth2/token', '/oauth2/token/x', false],
    ['/admin/clients/:client_id', '/admin/clients/abc', true],
    ['/admin/clients/:client_id', '/admin/clients/abc/secret', false],
    ['/docs/*', '/docs/swagger-ui.css', true],
    ['/.well-known/jwks.json', '/.well-known/jwksXjson', false],
  ])('%s matches %s → %s', (url, path, expected) => {
    expect(routePattern(url).test(path)).toBe(expected);
  });
});
