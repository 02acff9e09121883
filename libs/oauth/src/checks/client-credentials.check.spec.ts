import { InvalidClient, InvalidRequest, OAuthError } from '../errors';
import { extractClientCredentials, parseBasicAuthorization } from './client-credentials.check';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const basic = (text: string) => `Basic ${b64(text)}`;

function thrown(fn: () => unknown): OAuthError {
  try {
    fn();
  } catch (err) {
    return err as OAuthError;
  }
  throw new Error('expected an error');
}

describe(parseBasicAuthorization.name, () => {
  // RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded before Basic encoding.
  it.each([
    ['billing:s3cret', 'billing', 's3cret'],
    ['a%3Ab:c%2Bd', 'a:b', 'c+d'],
    ['my+client:pass+word', 'my client', 'pass word'],
    ['id:se:cr:et', 'id', 'se:cr:et'], // only the first colon separates
    ['id:', 'id', ''],
    ['caf%C3%A9:%E2%82%AC', 'caf\u00e9', '\u20ac'],
  ])('%j → client_id %j, client_secret %j', (raw, clientId, secret) => {
    expect(parseBasicAuthorization(basic(raw))).toEqual({ client_id: clientId, client_secret: secret });
  });

  it.each([
    `basic ${b64('id:secret')}`,
    `BASIC ${b64('id:secret')}`,
    `Basic   ${b64('id:secret')}  `,
  ])('accepts the scheme case-insensitively and tolerates whitespace: %j', (header) => {
    expect(parseBasicAuthorization(header)).toEqual({ client_id: 'id', client_secret: 'secret' });
  });

  it('leaves a Bearer header to other checks', () => {
    expect(parseBasicAuthorization('Bearer abc.def.ghi')).toBeUndefined();
  });

  it.each([
    ['not valid base64', 'Basic !!!not-base64!!!', 'base64'],
    ['an empty Basic value', 'Basic ', 'Basic'],
    ['a missing colon', basic('just-an-id'), 'client_id:client_secret'],
    ['an empty client_id', basic(':secret'), 'client_id:client_secret'],
    ['broken percent-encoding', basic('a%ZZ:secret'), 'form-urlencoded'],
    ['another scheme', 'Digest username="x"', 'Basic scheme'],
  ])('rejects %s with invalid_request', (_case, header, mentions) => {
    const err = thrown(() => parseBasicAuthorization(header));
    expect(err).toBeInstanceOf(InvalidRequest);
    expect(err.status).toBe(400);
    expect(err.error_description).toContain(mentions);
  });
});

describe(extractClientCredentials.name, () => {
  it('reads client_secret_basic from the Authorization header', () => {
    expect(extractClientCredentials(basic('a%3Ab:c%2Bd'), { grant_type: 'client_credentials' })).toEqual({
      client_id: 'a:b',
      client_secret: 'c+d',
      method: 'client_secret_basic',
    });
  });

  it('accepts a body client_id equal to the Basic one', () => {
    expect(extractClientCredentials(basic('billing:s'), { client_id: 'billing' })).toEqual({
      client_id: 'billing',
      client_secret: 's',
      method: 'client_secret_basic',
    });
  });

  it('reads client_secret_post from the body', () => {
    expect(extractClientCredentials(undefined, { client_id: 'billing', client_secret: 's3cret' })).toEqual({
      client_id: 'billing',
      client_secret: 's3cret',
      method: 'client_secret_post',
    });
  });

  it('treats a body client_id without secret as a public client (none)', () => {
    expect(extractClientCredentials(undefined, { client_id: 'spa' })).toEqual({ client_id: 'spa', method: 'none' });
  });

  it('falls back to the body when the Authorization header is a Bearer token', () => {
    expect(extractClientCredentials('Bearer x.y.z', { client_id: 'billing', client_secret: 's' }).method).toBe('client_secret_post');
  });

  it.each([
    // RFC 6749 §2.3: the client MUST NOT use more than one authentication method in each request.
    ['Basic and client_secret in the body', basic('billing:s'), { client_secret: 's' }, InvalidRequest, 400],
    ['a body client_id that differs from Basic', basic('billing:s'), { client_id: 'other' }, InvalidRequest, 400],
    ['malformed Basic credentials', 'Basic %%%', { client_id: 'billing' }, InvalidRequest, 400],
    ['no credentials at all', undefined, { grant_type: 'client_credentials' }, InvalidClient, 401],
    ['an empty body client_id', undefined, { client_id: '', client_secret: 's' }, InvalidClient, 401],
    ['a Bearer header and nothing in the body', 'Bearer x.y.z', {}, InvalidClient, 401],
  ])('rejects %s', (_case, header, params, ErrorClass, status) => {
    const err = thrown(() => extractClientCredentials(header, params as Record<string, string>));
    expect(err).toBeInstanceOf(ErrorClass);
    expect(err.status).toBe(status);
  });
});

describe('extractClientCredentials with empty body parameters (RFC 6749 §3.2: treated as omitted)', () => {
  const header = `Basic ${Buffer.from('billing:s').toString('base64')}`;

  it.each([[{ client_secret: '' }], [{ client_id: '' }], [{ client_id: '', client_secret: '' }]])('Basic plus %p is client_secret_basic', (params) => {
    expect(extractClientCredentials(header, params)).toEqual({ client_id: 'billing', client_secret: 's', method: 'client_secret_basic' });
  });
});

