import { freePort, startTopology, type Topology } from '@argus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Browser, errorCode } from '../support/browser-flow';
import { adminCall, adminToken, basic, clientCredentialsToken, createClient, metricValue, postForm, request, type CreatedClient, type TokenBody } from '../support/oauth-http';
import { TOPOLOGIES } from '../support/topologies';

/** The gateway's issuer is https (a string only: the test still talks plain http to it). */
const HTTPS_ISSUER = 'https://idp.example.test';
const ANONYMOUS_LIMIT = 8;
const CLIENT_LIMIT = 60;
const REDIRECT = 'https://app.example.com/cb';
const PASSWORD = 'a long enough password';

/** A fresh documentation-range address per use, so each test has its own rate-limit bucket. */
let nextAddress = 1;
const address = (range = '198.51.100') => `${range}.${nextAddress++}`;
const via = (forwardedFor: string) => ({ 'x-forwarded-for': forwardedFor });

describe.each(TOPOLOGIES)('HTTP hardening (%s)', (kind) => {
  let topology: Topology;
  let opsUrl: string;
  let admin: string;
  let web: CreatedClient;
  let service: CreatedClient;
  let plain: CreatedClient;

  const gatewayName = kind === 'standalone' ? 'standalone' : 'gateway';
  const url = (path: string) => `${topology.baseUrl}${path}`;
  const authorizeQuery = () =>
    new URLSearchParams({
      response_type: 'code',
      client_id: web.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();

  beforeAll(async () => {
    const opsPort = await freePort();
    topology = await startTopology(kind, {
      env: {
        ARGUS_ISSUER: HTTPS_ISSUER,
        ARGUS_TRUST_PROXY: '127.0.0.1',
        ARGUS_RATE_LIMIT_ANONYMOUS: String(ANONYMOUS_LIMIT),
        ARGUS_RATE_LIMIT_CLIENT: String(CLIENT_LIMIT),
        ARGUS_RATE_LIMIT_WINDOW: '600',
      },
      processEnv: { [gatewayName]: { ARGUS_OPS_PORT: String(opsPort) } },
    });
    opsUrl = `http://127.0.0.1:${opsPort}`;
    admin = await adminToken(topology);
    web = await createClient(topology, admin, { client_name: 'web', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid' });
    service = await createClient(topology, admin, { client_name: 'svc', grant_types: ['client_credentials'], scope: 'api:read', allowed_ip_ranges: ['203.0.113.0/24'] });
    plain = await createClient(topology, admin, { client_name: 'plain', grant_types: ['client_credentials'], scope: 'api:read' });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  describe('client address behind a trusted proxy (ARGUS_TRUST_PROXY=127.0.0.1)', () => {
    const token = (forwardedFor: string) =>
      postForm<TokenBody>(url('/oauth2/token'), { grant_type: 'client_credentials' }, { authorization: basic(service.client_id, service.client_secret), ...via(forwardedFor) });

    it('a spoofed left-most X-Forwarded-For does not pass allowed_ip_ranges', async () => {
      const spoofed = await token(`203.0.113.7, ${address()}`);
      expect(spoofed.status).toBe(401);
      expect(spoofed.body).toMatchObject({ error: 'invalid_client', error_description: 'client is not allowed to authenticate from this address' });
    });

    it('the right-most hop (added by the trusted proxy) is the client address', async () => {
      const allowed = await token(`${address()}, 203.0.113.7`);
      expect(allowed.status).toBe(200);
      expect(allowed.body.access_token).toBeDefined();
    });
  });

  describe('rate limits per source address', () => {
    it('a burst of anonymous authorize requests gets 429 with Retry-After and an HTML page; another address is unaffected', async () => {
      const attacker = address();
      const statuses: number[] = [];
      for (let i = 0; i < ANONYMOUS_LIMIT; i += 1) {
        statuses.push((await request(url(`/oauth2/authorize?${authorizeQuery()}`), { redirect: 'manual', headers: via(attacker) })).status);
      }
      expect(statuses.filter((s) => s === 429)).toEqual([]);
      const limited = await request(url(`/oauth2/authorize?${authorizeQuery()}`), { redirect: 'manual', headers: via(attacker) });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await metricValue(opsUrl, 'argus_rate_limited_total', { limit: 'page' })).toBeGreaterThan(0);
      expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
      expect(errorCode(limited.text)).toBe('temporarily_unavailable');
      // The login page and a POST to the authorization endpoint share the same budget.
      expect((await request(url('/ui/login?req=x'), { headers: via(attacker) })).status).toBe(429);

      const bystander = await request(url(`/oauth2/authorize?${authorizeQuery()}`), { redirect: 'manual', headers: via(address()) });
      expect(bystander.status).toBe(302);
    });

    it('client-authenticated endpoints have their own, larger budget and answer JSON', async () => {
      const caller = address('203.0.113');
      const form = { grant_type: 'client_credentials' };
      const auth = { authorization: basic(service.client_id, service.client_secret), ...via(caller) };
      const statuses = await Promise.all(Array.from({ length: CLIENT_LIMIT }, () => postForm(url('/oauth2/token'), form, auth).then((r) => r.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const limited = await postForm(url('/oauth2/token'), form, auth);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/^too many requests from 203\.0\.113\.\d+; retry after \d+ seconds$/) });
      expect((await postForm(url('/oauth2/token'), form, { ...auth, ...via(address('203.0.113')) })).status).toBe(200);
    });
  });

  describe('deeply nested JSON', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

    it.each(['/admin/clients', '/admin/users'])('POST %s with 20,000 levels is 400 invalid_request and creates nothing', async (path) => {
      const before = await adminCall<{ items?: unknown[] }>(topology, admin, 'GET', `${path}?limit=100`);
      const response = await request(url(path), {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: `{"client_name":"deep","username":"deep","password":"${PASSWORD}","extra":${nested(20000)}}`,
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'the JSON body is nested too deeply (more than 32 levels)' });
      const after = await adminCall<{ items?: unknown[] }>(topology, admin, 'GET', `${path}?limit=100`);
      expect(after.body).toEqual(before.body);
    });

    it('an ordinary nested body still parses (the limit is not hit by real requests)', async () => {
      const response = await request(url('/admin/clients'), {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'ordinary', grant_types: ['client_credentials'], scope: 'api:read' }),
      });
      expect(response.status).toBe(201);
    });
  });

  describe('headers and cookies', () => {
    it.each([
      ['a JSON endpoint', '/.well-known/openid-configuration'],
      ['an error', '/no/such/path'],
      ['an HTML page', '/ui/login?req=unknown'],
    ])('X-Content-Type-Options: nosniff on %s', async (_what, path) => {
      const response = await fetch(url(path), { headers: via(address()) });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('with an https issuer the cookies are __Host- prefixed: Secure, Path=/, no Domain', async () => {
      const username = `host-${randomBytes(4).toString('hex')}`;
      expect((await adminCall(topology, admin, 'POST', '/admin/users', { username, password: PASSWORD })).status).toBe(201);
      const browser = new Browser(topology.baseUrl, via(address()));
      const first = await browser.authorize(authorizeQuery());
      expect(first.location).toMatch(/\/ui\/login\?req=/);
      expect(first.setCookies).toContain('__Host-argus_browser');
      expect(first.setCookies).not.toContain('argus_browser');
      const login = await browser.get(first.location!);
      const signedIn = await browser.submitLogin(login, username, PASSWORD);
      expect(signedIn.setCookies).toContain('__Host-argus_session');
      for (const name of ['__Host-argus_browser', '__Host-argus_session']) {
        const attributes = browser.cookieAttributes(name)!;
        expect(attributes).toMatch(/(^|; )Secure(;|$)/i);
        expect(attributes).toMatch(/(^|; )Path=\/(;|$)/i);
        expect(attributes).toMatch(/HttpOnly/i);
        expect(attributes).not.toMatch(/Domain=/i);
      }
    });
  });

  describe('operations port (ARGUS_OPS_PORT)', () => {
    it.each(['/metrics', '/docs', '/docs-json'])('%s is served on the operations port only', async (path) => {
      expect((await fetch(`${opsUrl}${path}`)).status).toBe(200);
      const onPublic = await request(url(path));
      expect(onPublic.status).toBe(404);
      expect(onPublic.body).toEqual({ error: 'not_found', error_description: 'no such endpoint' });
    });

    it.each(['/healthz', '/readyz'])('%s answers on both ports', async (path) => {
      expect((await fetch(`${opsUrl}${path}`)).status).toBe(200);
      expect((await fetch(url(path))).status).toBe(200);
    });

    it('the operations port serves nothing else', async () => {
      expect((await fetch(`${opsUrl}/.well-known/openid-configuration`)).status).toBe(404);
      expect((await fetch(`${opsUrl}/oauth2/token`, { method: 'POST' })).status).toBe(404);
    });
  });

  describe('wrong method on an existing endpoint', () => {
    it.each([
      ['GET', '/oauth2/token', 'POST'],
      ['DELETE', '/oauth2/userinfo', 'GET, HEAD, POST'],
      ['PUT', '/.well-known/jwks.json', 'GET, HEAD'],
    ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
      const response = await request(url(path), { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(response.body).toEqual({
        error: 'invalid_request',
        error_description: `method ${method} is not allowed on ${path}; use ${allow.split(', ').filter((m) => m !== 'HEAD').join(' or ')}`,
      });
    });

    it('a path with parameters is matched too', async () => {
      const response = await request(url('/admin/clients/some-id/secret'), { method: 'GET' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });

    it('an unknown path is still 404', async () => {
      const response = await request(url('/oauth2/nothing-here'), { method: 'GET' });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', error_description: 'no such endpoint' });
    });
  });

  describe('Bearer credentials (RFC 6750 §2.1, RFC 9110 §11.1)', () => {
    it.each([
      ['lowercase scheme', (t: string) => `bearer ${t}`],
      ['two spaces', (t: string) => `Bearer  ${t}`],
      ['uppercase scheme', (t: string) => `BEARER ${t}`],
    ])('the admin API accepts a %s', async (_what, header) => {
      const response = await request(url('/admin/keys'), { headers: { authorization: header(admin) } });
      expect(response.status).toBe(200);
    });

    it.each([
      ['lowercase scheme', (t: string) => `bearer ${t}`],
      ['two spaces', (t: string) => `Bearer  ${t}`],
    ])('userinfo reads a %s (a client-credentials token then fails on scope, not on the header)', async (_what, header) => {
      const token = await clientCredentialsToken(topology, plain.client_id, plain.client_secret);
      const response = await request(url('/oauth2/userinfo'), { headers: { authorization: header(token) } });
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('insufficient_scope');
    });

    it.each(['/oauth2/userinfo', '/admin/clients'])('%s without credentials: 401 with a challenge that names no error (RFC 6750 §3.1)', async (path) => {
      const response = await request(url(path));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="argus"');
    });

    it('a bad token still gets error="invalid_token"', async () => {
      const response = await request(url('/admin/clients'), { headers: { authorization: 'Bearer not.a.token' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="argus", error="invalid_token"');
    });
  });

  describe('access-token nbf (ARGUS_NBF_BACKDATE_SECONDS, default 5)', () => {
    it('nbf is iat - 5, so a resource server a second behind accepts a fresh token with zero leeway', async () => {
      const token = await clientCredentialsToken(topology, plain.client_id, plain.client_secret);
      const { iat, nbf } = decodeJwt(token);
      expect(nbf).toBe(iat! - 5);
      const jwks = createRemoteJWKSet(new URL(url('/.well-known/jwks.json')));
      const behind = (seconds: number) => ({ currentDate: new Date((iat! - seconds) * 1000), clockTolerance: 0 });
      await expect(jwtVerify(token, jwks, behind(1))).resolves.toBeDefined();
      await expect(jwtVerify(token, jwks, behind(5))).resolves.toBeDefined();
      await expect(jwtVerify(token, jwks, behind(6))).rejects.toThrow(/nbf/);
    });
  });
});
