import { InvalidToken, MissingBearerToken } from '@argus/oauth';
import { bearerFromHeader } from './bearer-token';

describe(bearerFromHeader.name, () => {
  it.each([
    ['Bearer abc.def-ghi', 'abc.def-ghi'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer   abc==', 'abc=='],
    ['Bearer abc ', 'abc'],
  ])('accepts %j (scheme case-insensitive, 1*SP)', (header, token) => {
    expect(bearerFromHeader(header, 'required')).toBe(token);
  });

  it.each([[undefined], [''], ['Basic dXNlcjpwYXNz'], ['Bearerabc']])('treats %j as no credentials', (header) => {
    expect(() => bearerFromHeader(header, 'a token is required')).toThrow(MissingBearerToken);
  });

  it.each([['Bearer a b'], ['Bearer ä'], ['Bearer\tabc'], ['Bearer']])('refuses malformed %j as invalid_token', (header) => {
    const thrown = (() => {
      try {
        bearerFromHeader(header, 'x');
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(InvalidToken);
    expect(thrown).not.toBeInstanceOf(MissingBearerToken);
  });
});
