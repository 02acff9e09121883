import { InvalidClientMetadata, InvalidRedirectUri, OAuthError } from '@argus/oauth';
import { corsOrigins, normalizeClientMetadata, registrationWarnings } from './client-metadata';

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
      allowed_origins: undefined,
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

  // RFC 9700 §4.1 / RFC 8252 §7.1: a redirect must land on the client, never on a scheme that
  // runs, fetches or renders something else; RFC 3986 §3.2.1: no user info in a URI.
  it.each([
    ['ftp:', 'ftp://files.example.com/cb', /forbidden scheme ftp:/],
    ['about:', 'about:blank', /forbidden scheme about:/],
    ['blob:', 'blob:https://app.example.com/0b8e7a0e-3f5c-4b7a-9d7e-1c2b3a4d5e6f', /forbidden scheme blob:/],
    ['data:', 'data:text/html;base64,PHNjcmlwdD4=', /forbidden scheme data:/],
    ['javascript:', 'javascript://app.example.com/%0Aalert(1)', /forbidden scheme javascript:/],
    ['user info', 'https://user:pass@app.example.com/cb', /user information/],
    ['a user name only', 'https://user@app.example.com/cb', /user information/],
    ['user info on loopback', 'http://admin@127.0.0.1:8080/cb', /user information/],
  ])('rejects %s in redirect_uris and post_logout_redirect_uris, naming the URI and why', (_case, uri, why) => {
    for (const field of ['redirect_uris', 'post_logout_redirect_uris']) {
      const err = rejection({ ...WEB, [field]: [uri] });
      expect(err).toBeInstanceOf(InvalidRedirectUri);
      expect(err.error_description).toMatch(new RegExp(`^${field}: `));
      expect(err.error_description).toContain(`"${uri}"`);
      expect(err.error_description).toMatch(why);
    }
  });

  // RFC 8252 §8.3: localhost is NOT RECOMMENDED (loopback IP literals are), but it is allowed.
  it('accepts localhost redirect URIs with a warning naming the field and the URI', () => {
    const metadata = normalizeClientMetadata({
      redirect_uris: ['http://localhost:8080/cb', 'http://127.0.0.1:8080/cb'],
      post_logout_redirect_uris: ['http://localhost:8080/bye'],
    });
    expect(registrationWarnings(metadata)).toEqual([
      expect.stringMatching(/^redirect_uris: "http:\/\/localhost:8080\/cb" .*RFC 8252 §8\.3/),
      expect.stringMatching(/^post_logout_redirect_uris: "http:\/\/localhost:8080\/bye" .*RFC 8252 §8\.3/),
    ]);
    expect(registrationWarnings(normalizeClientMetadata({ redirect_uris: ['http://127.0.0.1:8080/cb', 'http://[::1]/cb'] }))).toEqual([]);
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

  describe('allowed_origins (CORS)', () => {
    it.each([
      'https://spa.example.com',
      'https://spa.example.com:8443',
      'http://127.0.0.1:5173',
      'http://localhost:3000',
      'http://[::1]:8080',
    ])('accepts the origin %j', (origin) => {
      expect(normalizeClientMetadata({ ...WEB, allowed_origins: [origin, origin] }).allowed_origins).toEqual([origin]);
    });

    it.each([
      ['*', /"\*" is not allowed/],
      ['https://spa.example.com/', /write it as https:\/\/spa\.example\.com/],
      ['https://spa.example.com/app', /not an origin/],
      ['https://spa.example.com?x=1', /not an origin/],
      ['https://SPA.example.com', /write it as https:\/\/spa\.example\.com/],
      ['https://spa.example.com:443', /write it as https:\/\/spa\.example\.com/],
      ['https://user@spa.example.com', /not an origin/],
      ['http://spa.example.com', /https/],
      ['ftp://spa.example.com', /http\(s\) origin/],
      ['spa.example.com', /not an origin/],
      ['null', /not an origin/],
    ])('rejects %j with invalid_client_metadata saying why', (origin, why) => {
      const err = rejection({ ...WEB, allowed_origins: [origin] });
      expect(err).toBeInstanceOf(InvalidClientMetadata);
      expect(err.error_description).toMatch(/^allowed_origins: /);
      expect(err.error_description).toMatch(why);
    });

    it('defaults to the origins of the http(s) redirect URIs, without private-use schemes', () => {
      const metadata = normalizeClientMetadata({
        redirect_uris: ['https://spa.example.com/cb', 'https://spa.example.com/silent', 'http://127.0.0.1:5173/cb', 'com.example.app:/oauth2redirect'],
      });
      expect(metadata.allowed_origins).toBeUndefined();
      expect(corsOrigins(metadata)).toEqual(['https://spa.example.com', 'http://127.0.0.1:5173']);
    });

    it('uses an explicit list instead of the redirect URIs, an empty list meaning no CORS', () => {
      expect(corsOrigins(normalizeClientMetadata({ ...WEB, allowed_origins: ['https://other.example.com'] }))).toEqual(['https://other.example.com']);
      expect(corsOrigins(normalizeClientMetadata({ ...WEB, allowed_origins: [] }))).toEqual([]);
    });

    it('returns to the default when an update sets it to null', () => {
      const explicit = normalizeClientMetadata({ ...WEB, allowed_origins: ['https://other.example.com'] });
      expect(normalizeClientMetadata({ ...explicit, allowed_origins: null }).allowed_origins).toBeUndefined();
    });
  });

  it.each([null, undefined, 'client', 42, [SERVICE]])('rejects a body that is not a JSON object: %j', (input) => {
    expect(rejection(input)).toBeInstanceOf(InvalidClientMetadata);
  });
});
