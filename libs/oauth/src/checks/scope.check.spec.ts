import { InvalidRequest, InvalidScope } from '../errors';
import { checkRequestedScope, isScopeToken, parseScope } from './scope.check';

describe(isScopeToken.name, () => {
  // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
  it.each([
    ['openid', true],
    ['api:read', true],
    ['reports:write', true],
    ['!', true], // %x21
    ['#[]~', true], // %x23, %x5B, %x5D, %x7E
    ['https://api.example.com/read', true],
    ['argus:admin', true],
    ['', false], // 1*: at least one character
    ['"quoted"', false], // %x22 excluded
    ['back\\slash', false], // %x5C excluded
    ['with space', false], // %x20 is the delimiter, never part of a token
    ['tab\there', false], // control character
    ['del\x7f', false], // %x7F excluded
    ['caf\u00e9', false], // non-ASCII
  ])('%j → %s', (token, expected) => {
    expect(isScopeToken(token)).toBe(expected);
  });
});

describe(parseScope.name, () => {
  it.each([
    [undefined, []],
    ['', []],
    ['openid', ['openid']],
    ['openid profile email', ['openid', 'profile', 'email']],
    ['api:read  api:write', ['api:read', 'api:write']], // runs of spaces do not make empty tokens
    [' openid ', ['openid']],
    ['a b a', ['a', 'b']], // distinct tokens, first-seen order
  ])('%j → %j', (input, expected) => {
    expect(parseScope(input)).toEqual(expected);
  });

  it.each(['openid "x"', 'a\\b', 'openid\tprofile', 'caf\u00e9', 'a b\x7f'])(
    'rejects %j with invalid_request naming the bad token',
    (input) => {
      let caught: unknown;
      try {
        parseScope(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InvalidRequest);
      expect((caught as InvalidRequest).error).toBe('invalid_request');
      expect((caught as InvalidRequest).error_description).toMatch(/scope-token/);
    },
  );
});

describe(checkRequestedScope.name, () => {
  const allowed = ['api:read', 'api:write', 'reports:read'];

  // RFC 6749 §3.3: "If the client omits the scope parameter ... the authorization server MUST
  // either process the request using a pre-defined default value or fail".
  it('gives the client all of its registered scopes when scope is omitted', () => {
    const granted = checkRequestedScope([], allowed);
    expect(granted).toEqual(allowed);
    granted.push('mutated');
    expect(allowed).toHaveLength(3); // a copy, not the client's own array
  });

  it('gives an empty scope to a client registered without scopes when scope is omitted', () => {
    expect(checkRequestedScope([], [])).toEqual([]);
  });

  it.each([
    [['api:read'], ['api:read']],
    [['reports:read', 'api:read'], ['reports:read', 'api:read']],
    [allowed, allowed],
  ])('grants %j when every value is allowed', (requested, expected) => {
    expect(checkRequestedScope(requested, allowed)).toEqual(expected);
  });

  it.each([
    [['admin'], 'admin'],
    [['api:read', 'api:delete'], 'api:delete'],
    [['x', 'y'], 'x y'],
    [['API:READ'], 'API:READ'], // scope values are case-sensitive
  ])('refuses %j with invalid_scope naming %j, never narrowing silently', (requested, named) => {
    expect(() => checkRequestedScope(requested, allowed)).toThrow(InvalidScope);
    expect(() => checkRequestedScope(requested, allowed)).toThrow(`scope not allowed for this client: ${named}`);
  });

  it('refuses any requested scope for a client registered without scopes', () => {
    expect(() => checkRequestedScope(['openid'], [])).toThrow(InvalidScope);
  });
});
