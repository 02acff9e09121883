import { InvalidRequest } from '../errors';
import { optionalParam, rejectRepeatedParams, requireParam } from './params.check';

const params = { grant_type: 'client_credentials', scope: '', code: 'abc' };

describe(optionalParam.name, () => {
  // RFC 6749 §3.1/§3.2: parameters sent without a value MUST be treated as if omitted.
  it.each([
    ['grant_type', 'client_credentials'],
    ['code', 'abc'],
    ['scope', undefined],
    ['missing', undefined],
  ])('%s → %j', (name, expected) => {
    expect(optionalParam(params, name)).toBe(expected);
  });
});

describe(requireParam.name, () => {
  it('returns a present value', () => {
    expect(requireParam(params, 'grant_type')).toBe('client_credentials');
  });

  it.each(['scope', 'missing'])('treats %s (empty or absent) as missing: invalid_request naming it', (name) => {
    expect(() => requireParam(params, name)).toThrow(InvalidRequest);
    expect(() => requireParam(params, name)).toThrow(`missing required parameter: ${name}`);
  });
});

describe(rejectRepeatedParams.name, () => {
  it('accepts a request without repeated parameters', () => {
    expect(() => rejectRepeatedParams([])).not.toThrow();
  });

  // RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once."
  it.each([[['scope']], [['grant_type', 'client_id']]])('rejects %j with invalid_request naming them', (repeated) => {
    expect(() => rejectRepeatedParams(repeated)).toThrow(InvalidRequest);
    expect(() => rejectRepeatedParams(repeated)).toThrow(repeated.join(', '));
  });
});
