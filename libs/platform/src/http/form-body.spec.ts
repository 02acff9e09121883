import { FormBody } from './form-body';

describe(FormBody.name, () => {
  it('decodes application/x-www-form-urlencoded values', () => {
    const body = FormBody.parse('grant_type=client_credentials&scope=api%3Aread+api%3Awrite&client_secret=a%2Bb%20c&empty=&flag');
    expect({ ...body.values }).toEqual({
      grant_type: 'client_credentials',
      scope: 'api:read api:write',
      client_secret: 'a+b c',
      empty: '',
      flag: '',
    });
    expect(body.repeated).toEqual([]);
  });

  it.each([
    ['scope=a&scope=b', ['scope'], { scope: 'a' }],
    ['a=1&b=2&a=3&b=4&a=5', ['a', 'b'], { a: '1', b: '2' }],
    ['scope=&scope=x', ['scope'], { scope: '' }],
    ['sc%6Fpe=a&scope=b', ['scope'], { scope: 'a' }], // names are compared decoded
  ])('records repeated names in %j (RFC 6749 §3.1) and keeps the first value', (text, repeated, values) => {
    const body = FormBody.parse(text);
    expect(body.repeated).toEqual(repeated);
    expect({ ...body.values }).toEqual(values);
  });

  it.each(['constructor=x', 'toString=x', '__proto__=x', 'hasOwnProperty=x'])(
    'does not mistake %j for a repeated name (no prototype)',
    (text) => {
      const body = FormBody.parse(text);
      expect(body.repeated).toEqual([]);
      expect(Object.keys(body.values)).toEqual([text.split('=')[0]]);
    },
  );

  it('parses an empty body to no values', () => {
    const body = FormBody.parse('');
    expect(Object.keys(body.values)).toEqual([]);
    expect(body.repeated).toEqual([]);
  });
});
