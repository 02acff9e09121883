import type { RegisteredClient } from '@argus/contracts';
import { validateAuthorizationRequest } from './authorization-request';

const ISSUER = 'https://id.example.com';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function client(overrides: Partial<RegisteredClient> = {}): RegisteredClient {
  return {
    client_id: 'web',
    client_name: 'Web',
    redirect_uris: ['https://app.example.com/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid profile email argus:admin',
    token_endpoint_auth_method: 'client_secret_basic',
    post_logout_redirect_uris: [],
    contacts: [],
    allowed_ip_ranges: [],
    skip_consent: false,
    enabled: true,
    client_id_issued_at: 0,
    updated_at: 0,
    ...overrides,
  };
}

const base = { client_id: 'web', redirect_uri: 'https://app.example.com/cb', response_type: 'code', scope: 'openid profile', state: 'xyz' };

describe(validateAuthorizationRequest.name, () => {
  it('accepts a valid request and computes scope = requested ∩ client, never argus:admin', () => {
    const result = validateAuthorizationRequest({ ...base, scope: 'openid profile phone argus:admin', nonce: 'n' }, [], client(), ISSUER);
    expect(result).toEqual({
      ok: expect.objectContaining({ client_id: 'web', redirect_uri: 'https://app.example.com/cb', redirect_uri_sent: true, response_mode: 'query', scope: ['openid', 'profile'], state: 'xyz', nonce: 'n', prompt: [] }),
    });
  });

  // RFC 6749 §4.1.2.1: client and redirect URI problems never redirect.
  it.each([
    ['missing client_id', { ...base, client_id: '' }, [], client(), 'invalid_request'],
    ['unknown client', base, [], null, 'invalid_client'],
    ['disabled client', base, [], client({ enabled: false }), 'invalid_client'],
    ['unregistered redirect_uri', { ...base, redirect_uri: 'https://app.example.com/cb2' }, [], client(), 'invalid_request'],
    ['redirect_uri omitted with several registered', { ...base, redirect_uri: '' }, [], client({ redirect_uris: ['https://a.example.com/1', 'https://a.example.com/2'] }), 'invalid_request'],
    ['repeated redirect_uri', base, ['redirect_uri'], client(), 'invalid_request'],
  ] as const)('%s → error page %s', (_name, params, repeated, registered, error) => {
    const result = validateAuthorizationRequest(params, [...repeated], registered, ISSUER);
    expect(result).toEqual({ outcome: { kind: 'error_page', error, error_description: expect.any(String) } });
  });

  it('uses the only registered redirect URI when none is sent', () => {
    const result = validateAuthorizationRequest({ ...base, redirect_uri: '' }, [], client(), ISSUER);
    expect(result).toEqual({ ok: expect.objectContaining({ redirect_uri: 'https://app.example.com/cb', redirect_uri_sent: false }) });
  });

  // Every later error goes back to the client with state and iss (RFC 9207).
  it.each([
    ['repeated scope', base, ['scope'], client(), 'invalid_request'],
    ['missing response_type', { ...base, response_type: '' }, [], client(), 'invalid_request'],
    ['response_type token', { ...base, response_type: 'token' }, [], client(), 'unsupported_response_type'],
    ['client without authorization_code', base, [], client({ grant_types: ['client_credentials'] }), 'unauthorized_client'],
    ['bad response_mode', { ...base, response_mode: 'fragment' }, [], client(), 'invalid_request'],
    ['invalid scope token', { ...base, scope: 'openid "x"' }, [], client(), 'invalid_scope'],
    ['plain PKCE', { ...base, code_challenge: CHALLENGE, code_challenge_method: 'plain' }, [], client(), 'invalid_request'],
    ['challenge without method (defaults to plain)', { ...base, code_challenge: CHALLENGE }, [], client(), 'invalid_request'],
    ['malformed S256 challenge', { ...base, code_challenge: 'short', code_challenge_method: 'S256' }, [], client(), 'invalid_request'],
    ['public client without PKCE', base, [], client({ token_endpoint_auth_method: 'none' }), 'invalid_request'],
    ['unknown prompt', { ...base, prompt: 'select_account' }, [], client(), 'invalid_request'],
    ['prompt=none with login', { ...base, prompt: 'none login' }, [], client(), 'invalid_request'],
    ['negative max_age', { ...base, max_age: '-1' }, [], client(), 'invalid_request'],
    ['request object', { ...base, request: 'eyJ.x.y' }, [], client(), 'request_not_supported'],
  ] as const)('%s → redirect with %s', (_name, params, repeated, registered, error) => {
    const result = validateAuthorizationRequest(params, [...repeated], registered, ISSUER);
    expect(result).toEqual({
      outcome: {
        kind: 'redirect',
        redirect_uri: 'https://app.example.com/cb',
        response_mode: 'query',
        params: { error, error_description: expect.any(String), state: 'xyz', iss: ISSUER },
      },
    });
  });

  it('accepts S256 PKCE from a public client', () => {
    const result = validateAuthorizationRequest({ ...base, code_challenge: CHALLENGE, code_challenge_method: 'S256' }, [], client({ token_endpoint_auth_method: 'none' }), ISSUER);
    expect(result).toEqual({ ok: expect.objectContaining({ code_challenge: CHALLENGE }) });
  });

  it('answers errors in form_post when asked for it', () => {
    const result = validateAuthorizationRequest({ ...base, response_mode: 'form_post', response_type: 'token' }, [], client(), ISSUER);
    expect(result).toMatchObject({ outcome: { kind: 'redirect', response_mode: 'form_post', params: { error: 'unsupported_response_type' } } });
  });
});

describe('parameter length bounds', () => {
  it.each(['nonce', 'login_hint', 'scope', 'ui_locales', 'acr_values', 'claims', 'code_challenge'])('an over-long %s is redirected as invalid_request naming it, with state', (name) => {
    const result = validateAuthorizationRequest({ ...base, [name]: 'a'.repeat(5000) }, [], client(), ISSUER);
    expect(result).toEqual({ outcome: expect.objectContaining({ kind: 'redirect', params: expect.objectContaining({ error: 'invalid_request', state: 'xyz' }) }) });
    expect((result as { outcome: { params: Record<string, string> } }).outcome.params.error_description).toMatch(new RegExp(`^${name} is longer than`));
  });

  it('an over-long state is refused without being echoed', () => {
    const result = validateAuthorizationRequest({ ...base, state: 's'.repeat(513) }, [], client(), ISSUER);
    expect(result).toEqual({ outcome: { kind: 'redirect', redirect_uri: base.redirect_uri, response_mode: 'query', params: { error: 'invalid_request', error_description: 'state is longer than 512 characters', iss: ISSUER } } });
  });

  it('an over-long client_id or redirect_uri is an error page', () => {
    expect(validateAuthorizationRequest({ ...base, redirect_uri: `https://app.example.com/${'x'.repeat(3000)}` }, [], client(), ISSUER)).toEqual({
      outcome: { kind: 'error_page', error: 'invalid_request', error_description: 'redirect_uri is longer than 2048 characters' },
    });
  });

  it('values at the bound are accepted', () => {
    const result = validateAuthorizationRequest({ ...base, state: 's'.repeat(512), nonce: 'n'.repeat(256), login_hint: 'h'.repeat(256) }, [], client(), ISSUER);
    expect('ok' in result).toBe(true);
  });
});
