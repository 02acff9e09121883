import { InvalidClientMetadata, InvalidRedirectUri, OAuthError } from '@argus/oauth';
import { normalizeClientMetadata } from './client-metadata';

const WEB = { redirect_uris: ['https://app.example.com/callback'] };
const SERVICE = { grant_types: ['client_credentials'], scope: 'api:read' };

function rejection(input: unknown): OAuthError {
  try {
    normalizeClientMetadata(input);
  } catch (err) {
    return err as OAuthError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe(normalizeClientMetadata.name, () => {
  // RFC 7591 §2: grant_types defaults to authorization_code, response_types to code,
  // token_endpoint_auth_method to client_secret_basic.
  it('fills the RFC 7591 §2 defaults and the platform defaults', () => {
    expect(normalizeClientMetadata(WEB)).toEqual({
      client_name: undefined,
      redirect_uris: ['https://app.example.com/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: '',
      token_endpoint_auth_method: 'client_secret_basic',
      post_logout_redirect_uris: [],
      jwks_uri: undefined,
      client_uri: undefined,
      logo_uri: undefined,
      tos_uri: undefined,
      policy_uri: undefined,
      contacts: [],
      software_id: undefined,
      software_version: undefined,
      id_token_signed_response_alg: undefined,
      owner: undefined,
      required_role: undefined,
      customer: undefined,
      allowed_ip_ranges: [],
      skip_consent: false,
      access_token_ttl: undefined,
      refresh_token_ttl: undefined,
      enabled: true,
    });
  });

  it('gives a client_credentials-only client no response types', () => {
    expect(normalizeClientMetadata(SERVICE)).toMatchObject({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
  });

  it('keeps the platform fields and removes duplicates', () => {
    const metadata = normalizeClientMetadata({
      ...WEB,
      grant_types: ['authorization_code', 'refresh_token', 'authorization_code'],
      scope: 'openid profile openid',
      token_endpoint_auth_method: 'client_secret_post',
      owner: 'user-1',
      required_role: 'billing-admin',
      customer: 'acme',
      allowed_ip_ranges: ['10.0.0.0/8', '10.0.0.0/8', '2001:db8::/32', '192.168.1.10'],
      skip_consent: true,
      access_token_ttl: 120,
      refresh_token_ttl: 86400,
      enabled: false,
    });
    expect(metadata).toMatchObject({
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile',
      token_endpoint_auth_method: 'client_secret_post',
      owner: 'user-1',
      required_role: 'billing-admin',
      customer: 'acme',
      allowed_ip_ranges: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.10'],
      skip_consent: true,
      access_token_ttl: 120,
      refresh_token_ttl: 86400,
      enabled: false,
    });
  });

  // RFC 7591 §2: the server MUST ignore metadata it does not understand.
  it('ignores unknown members', () => {
    const metadata = normalizeClientMetadata({ ...SERVICE, frobnicate: true, client_secret: 'chosen-by-caller', software_statement: 'x' });
    expect(metadata).not.toHaveProperty('frobnicate');
    expect(metadata).not.toHaveProperty('client_secret');
    expect(metadata).not.toHaveProperty('software_statement');
  });

  // RFC 8252 §7.3 loopback, §7.1 private-use schemes.
  it.each([
    'https://app.example.com/callback?x=1',
    'http://127.0.0.1:8080/callback',
    'http://localhost/callback',
    'http://[::1]:51234/cb',
    'com.example.app:/oauth2redirect',
  ])('accepts the redirect URI %j', (uri) => {
    expect(normalizeClientMetadata({ redirect_uris: [uri] }).redirect_uris).toEqual([uri]);
  });

  // RFC 6749 §3.1.2: absolute URI, no fragment; RFC 9700: no plain http except loopback.
  it.each([
    ['relative', '/callback'],
    ['relative without slash', 'callback'],
    ['with a fragment', 'https://app.example.com/cb#frag'],
    ['with an empty fragment', 'https://app.example.com/cb#'],
    ['http to a non-loopback host', 'http://app.example.com/cb'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['empty', ''],
  ])('rejects a redirect URI that is %s with invalid_redirect_uri', (_case, uri) => {
    const err = rejection({ redirect_uris: [uri] });
    expect(err).toBeInstanceOf(InvalidRedirectUri);
    expect(err.error).toBe('invalid_redirect_uri');
    expect(err.error_description).toMatch(/^redirect_uris: /);
  });

  it('checks post_logout_redirect_uris the same way', () => {
    const err = rejection({ ...WEB, post_logout_redirect_uris: ['http://evil.example.com/bye'] });
    expect(err).toBeInstanceOf(InvalidRedirectUri);
    expect(err.error_description).toMatch(/^post_logout_redirect_uris: /);
  });

  it('requires a redirect URI for the authorization_code grant', () => {
    const err = rejection({ grant_types: ['authorization_code'] });
    expect(err).toBeInstanceOf(InvalidRedirectUri);
    expect(err.error_description).toContain('redirect_uris');
  });

  it.each([
    ['grant_types', { grant_types: ['password'] }],
    ['grant_types', { grant_types: ['implicit'] }],
    ['grant_types', { grant_types: 'client_credentials' }],
    ['grant_types', { grant_types: [] }],
    ['token_endpoint_auth_method', { ...SERVICE, token_endpoint_auth_method: 'private_key_jwt' }],
    ['token_endpoint_auth_method', { ...SERVICE, token_endpoint_auth_method: 'CLIENT_SECRET_BASIC' }],
    ['response_types', { ...WEB, response_types: ['token'] }],
    ['response_types', { ...SERVICE, response_types: ['code'] }],
    ['scope', { ...SERVICE, scope: 'api:read "quoted"' }],
    ['scope', { ...SERVICE, scope: 'a  b' }],
    ['allowed_ip_ranges', { ...SERVICE, allowed_ip_ranges: ['10.0.0.0/33'] }],
    ['allowed_ip_ranges', { ...SERVICE, allowed_ip_ranges: ['not-an-ip'] }],
    ['allowed_ip_ranges', { ...SERVICE, allowed_ip_ranges: ['10.0.0.0/8/1'] }],
    ['allowed_ip_ranges', { ...SERVICE, allowed_ip_ranges: ['2001:db8::/129'] }],
    ['allowed_ip_ranges', { ...SERVICE, allowed_ip_ranges: ['10.0.0.0/'] }],
    ['allowed_ip_ranges', { ...SERVICE, allowed_ip_ranges: ['10.0.0.0/x'] }],
    ['access_token_ttl', { ...SERVICE, access_token_ttl: 30 }],
    ['access_token_ttl', { ...SERVICE, access_token_ttl: 1.5 }],
    ['refresh_token_ttl', { ...WEB, refresh_token_ttl: 10 }],
    ['enabled', { ...SERVICE, enabled: 'false' }],
    ['jwks_uri', { ...SERVICE, jwks_uri: 'http://keys.example.com/jwks' }],
    ['id_token_signed_response_alg', { ...WEB, id_token_signed_response_alg: 'none' }],
  ])('rejects a bad %s with invalid_client_metadata naming the field: %j', (field, input) => {
    const err = rejection(input);
    expect(err).toBeInstanceOf(InvalidClientMetadata);
    expect(err.error).toBe('invalid_client_metadata');
    expect(err.error_description).toContain(field);
  });

  it('rejects a public client (none) with client_credentials', () => {
    const err = rejection({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' });
    expect(err).toBeInstanceOf(InvalidClientMetadata);
    expect(err.error_description).toContain('client_credentials');
  });

  it('rejects refresh_token without authorization_code', () => {
    expect(rejection({ grant_types: ['client_credentials', 'refresh_token'] })).toBeInstanceOf(InvalidClientMetadata);
  });

  it('accepts a public client (none) with authorization_code', () => {
    expect(normalizeClientMetadata({ ...WEB, token_endpoint_auth_method: 'none' }).token_endpoint_auth_method).toBe('none');
  });

  it.each([null, undefined, 'client', 42, [SERVICE]])('rejects a body that is not a JSON object: %j', (input) => {
    expect(rejection(input)).toBeInstanceOf(InvalidClientMetadata);
  });
});
