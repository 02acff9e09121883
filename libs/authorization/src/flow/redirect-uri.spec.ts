import { matchRegisteredRedirectUri } from './redirect-uri';

describe(matchRegisteredRedirectUri.name, () => {
  const registered = ['https://app.example.com/cb', 'http://127.0.0.1/native', 'com.example.app:/oauth', 'http://[::1]:8080/v6'];

  // RFC 6749 §3.1.2.3, RFC 9700 §4.1.3: exact match; RFC 8252 §7.3: loopback port may vary.
  it.each([
    ['https://app.example.com/cb', true],
    ['https://app.example.com/cb/', false],
    ['https://app.example.com/cb/extra', false],
    ['https://app.example.com/cb?x=1', false],
    ['https://app.example.com/cb#frag', false],
    ['http://app.example.com/cb', false],
    ['https://evil.example.com/cb', false],
    ['https://app.example.com:8443/cb', false],
    ['HTTPS://APP.EXAMPLE.COM/cb', false],
    ['com.example.app:/oauth', true],
    ['http://127.0.0.1/native', true],
    ['http://127.0.0.1:51234/native', true],
    ['http://127.0.0.1:51234/native/x', false],
    ['http://127.0.0.1:51234/native?x=1', false],
    ['http://localhost:51234/native', false],
    ['https://127.0.0.1:51234/native', false],
    ['http://[::1]:9999/v6', true],
    ['http://127.0.0.1:9999/v6', false],
  ])('%s → %s', (requested, expected) => {
    expect(matchRegisteredRedirectUri(requested, registered)).toBe(expected);
  });
});
