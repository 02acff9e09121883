import { FormBody } from '@argus/platform';
import type { FastifyRequest } from 'fastify';
import { SignJWT } from 'jose';
import type { CorsOriginRegistry } from './cors-origin-registry';
import { GatewayCors } from './gateway-cors';

const SPA = 'https://spa.example.com';
const OTHER = 'https://other.example.com';

/** spa-client allows SPA; other-client allows OTHER. */
class FakeRegistry {
  readonly calls: [string, string | undefined][] = [];
  async allowed(origin: string, clientId?: string): Promise<boolean> {
    this.calls.push([origin, clientId]);
    const byClient: Record<string, string> = { 'spa-client': SPA, 'other-client': OTHER };
    return clientId === undefined ? Object.values(byClient).includes(origin) : byClient[clientId] === origin;
  }
}

function req(method: string, url: string, headers: Record<string, string> = {}, form?: Record<string, string>): FastifyRequest {
  return { method, url, headers, body: form ? new FormBody(form, []) : undefined } as unknown as FastifyRequest;
}

async function unsignedToken(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
}

describe(GatewayCors.name, () => {
  let registry: FakeRegistry;
  let cors: GatewayCors;

  beforeEach(() => {
    registry = new FakeRegistry();
    cors = new GatewayCors({} as never, registry as unknown as CorsOriginRegistry);
  });

  it('serves the public documents to any origin, and to callers without one (shared caches)', async () => {
    expect(await cors.options(req('GET', '/.well-known/jwks.json', { origin: 'https://anyone.example' }))).toMatchObject({ origin: '*', methods: 'GET' });
    expect(await cors.options(req('GET', '/.well-known/openid-configuration'))).toMatchObject({ origin: '*' });
    expect(registry.calls).toEqual([]);
  });

  it('answers a token-endpoint preflight for an origin that some client allows', async () => {
    const preflight = (origin: string) => cors.options(req('OPTIONS', '/oauth2/token', { origin, 'access-control-request-method': 'POST' }));
    expect(await preflight(OTHER)).toMatchObject({ origin: OTHER, methods: 'POST', allowedHeaders: 'Authorization, Content-Type' });
    expect(await preflight('https://evil.example')).toEqual({ origin: false });
    expect(registry.calls).toEqual([[OTHER, undefined], ['https://evil.example', undefined]]);
  });

  it('gives the actual response to the origins of the client named in the body or in Basic only', async () => {
    const post = (origin: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      cors.options(req('POST', '/oauth2/token', { origin, ...headers }, form));
    expect(await post(SPA, { client_id: 'spa-client' })).toMatchObject({ origin: SPA, exposedHeaders: 'WWW-Authenticate, Retry-After' });
    expect(await post(OTHER, { client_id: 'spa-client' })).toEqual({ origin: false });
    const basic = `Basic ${Buffer.from('other-client:secret').toString('base64')}`;
    expect(await post(OTHER, { token: 't' }, { authorization: basic })).toMatchObject({ origin: OTHER });
    expect(await post(SPA, { token: 't' })).toEqual({ origin: false }); // no client named: nothing to allow
    expect(await post(SPA, { token: 't' }, { authorization: 'Basic !!!' })).toEqual({ origin: false });
  });

  it('reads userinfo\'s client from the access token, in the header or the body', async () => {
    const token = await unsignedToken({ client_id: 'spa-client', sub: 'u1' });
    expect(await cors.options(req('GET', '/oauth2/userinfo', { origin: SPA, authorization: `Bearer ${token}` }))).toMatchObject({ origin: SPA, methods: 'GET, POST' });
    expect(await cors.options(req('POST', '/oauth2/userinfo', { origin: SPA }, { access_token: token }))).toMatchObject({ origin: SPA });
    expect(await cors.options(req('GET', '/oauth2/userinfo', { origin: OTHER, authorization: `Bearer ${token}` }))).toEqual({ origin: false });
    expect(await cors.options(req('GET', '/oauth2/userinfo', { origin: SPA, authorization: 'Bearer not-a-jwt' }))).toEqual({ origin: false });
  });

  it('answers nothing when the registry cannot be asked (the handler reports the outage)', async () => {
    registry.allowed = () => Promise.reject(new Error('clients service down'));
    expect(await cors.options(req('POST', '/oauth2/token', { origin: SPA }, { client_id: 'spa-client' }))).toEqual({ origin: false });
  });

  it.each(['/oauth2/authorize', '/ui/login', '/admin/clients', '/docs'])('answers no CORS on %s, whatever the origin', async (path) => {
    expect(await cors.options(req('OPTIONS', path, { origin: SPA, 'access-control-request-method': 'POST' }))).toEqual({ origin: false });
    expect(registry.calls).toEqual([]);
  });
});
