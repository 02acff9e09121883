import { startTopology, type Topology } from '@argus/testing';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { adminCall, adminToken, basic, clientCredentialsToken, createClient, postForm, request, type CreatedClient } from '../support/oauth-http';
import { SpaServer } from '../support/spa-server';
import { TOPOLOGIES } from '../support/topologies';

/** Generous: other test runs share this 2-core machine, and a login costs an argon2id verify. */
const UI_TIMEOUT = 45_000;

const SPA_ORIGIN = 'https://spa.example.com';
const EVIL_ORIGIN = 'https://evil.example.com';

const random = (bytes = 8) => randomBytes(bytes).toString('base64url');

/** Every CORS response header a response carries. */
function corsHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-')));
}

function preflight(url: string, origin: string, method = 'POST', requestHeaders = 'authorization, content-type') {
  return request(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders },
  });
}

describe.each(TOPOLOGIES)('CORS (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  /** A public SPA client registered at https://spa.example.com (origins from its redirect URI). */
  let spa: CreatedClient;

  const url = (path: string) => `${topology.baseUrl}${path}`;

  beforeAll(async () => {
    topology = await startTopology(kind);
    admin = await adminToken(topology);
    spa = await createClient(topology, admin, {
      client_name: 'SPA',
      redirect_uris: [`${SPA_ORIGIN}/callback`],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile',
    });
  }, 180_000);

  afterAll(async () => {
    await topology?.stop();
  }, 60_000);

  describe('public metadata documents', () => {
    it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json'])(
      '%s answers any origin, preflight included, without credentials',
      async (path) => {
        const get = await request(url(path), { headers: { origin: EVIL_ORIGIN } });
        expect(get.status).toBe(200);
        expect(get.headers.get('access-control-allow-origin')).toBe('*');
        expect(get.headers.get('access-control-allow-credentials')).toBeNull();

        const options = await preflight(url(path), EVIL_ORIGIN, 'GET', 'x-requested-with');
        expect(options.status).toBe(204);
        expect(corsHeaders(options.headers)).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET' });
        expect(options.headers.get('access-control-allow-credentials')).toBeNull();
      },
    );
  });

  describe('token, revocation and introspection', () => {
    it.each(['/oauth2/token', '/oauth2/revoke', '/oauth2/introspect'])('%s answers a preflight from a registered origin, never with credentials', async (path) => {
      const options = await preflight(url(path), SPA_ORIGIN);
      expect(options.status).toBe(204);
      expect(corsHeaders(options.headers)).toEqual({
        'access-control-allow-origin': SPA_ORIGIN,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'Authorization, Content-Type',
        'access-control-expose-headers': 'WWW-Authenticate, Retry-After',
        'access-control-max-age': '600',
      });
      expect(options.headers.get('vary')).toMatch(/\bOrigin\b/);
    });

    it.each(['/oauth2/token', '/oauth2/revoke', '/oauth2/introspect'])('%s refuses a preflight from an origin no client registered', async (path) => {
      const options = await preflight(url(path), EVIL_ORIGIN);
      expect(corsHeaders(options.headers)).toEqual({});
      expect(options.headers.get('vary')).toMatch(/\bOrigin\b/);
    });

    it('lets the client\'s own origin read the token endpoint\'s answer, errors included', async () => {
      const result = await postForm(url('/oauth2/token'), { grant_type: 'authorization_code', code: 'not-a-code', client_id: spa.client_id, redirect_uri: `${SPA_ORIGIN}/callback`, code_verifier: random(32) }, { origin: SPA_ORIGIN });
      expect(result.status).toBe(400);
      expect(result.body.error).toBe('invalid_grant');
      expect(result.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
      expect(result.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Retry-After');
      expect(result.headers.get('access-control-allow-credentials')).toBeNull();
      expect(result.headers.get('vary')).toMatch(/\bOrigin\b/);
    });

    it('gives the actual response only to the request\'s own client\'s origins, not to another client\'s', async () => {
      const other = await createClient(topology, admin, { redirect_uris: ['https://other.example.com/cb'], token_endpoint_auth_method: 'none', scope: 'openid' });
      // The preflight passes: some client registered https://other.example.com ...
      expect((await preflight(url('/oauth2/token'), 'https://other.example.com')).headers.get('access-control-allow-origin')).toBe('https://other.example.com');
      // ... but a request for the SPA client from there is not readable.
      const form = { grant_type: 'authorization_code', code: 'x', client_id: spa.client_id, redirect_uri: `${SPA_ORIGIN}/callback`, code_verifier: random(32) };
      const foreign = await postForm(url('/oauth2/token'), form, { origin: 'https://other.example.com' });
      expect(foreign.status).toBe(400);
      expect(corsHeaders(foreign.headers)).toEqual({});
      const own = await postForm(url('/oauth2/token'), { ...form, client_id: other.client_id, redirect_uri: 'https://other.example.com/cb' }, { origin: 'https://other.example.com' });
      expect(own.headers.get('access-control-allow-origin')).toBe('https://other.example.com');
    });

    it('reads a confidential client from its Basic credentials', async () => {
      const web = await createClient(topology, admin, { redirect_uris: ['https://web.example.com/cb'], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid api:read' });
      const token = await clientCredentialsToken(topology, web.client_id, web.client_secret, 'api:read');
      const own = await postForm(url('/oauth2/introspect'), { token }, { authorization: basic(web.client_id, web.client_secret), origin: 'https://web.example.com' });
      expect(own.status).toBe(200);
      expect(own.body.active).toBe(true);
      expect(own.headers.get('access-control-allow-origin')).toBe('https://web.example.com');
      const revoked = await postForm(url('/oauth2/revoke'), { token }, { authorization: basic(web.client_id, web.client_secret), origin: SPA_ORIGIN });
      expect(revoked.status).toBe(200);
      expect(corsHeaders(revoked.headers)).toEqual({});
    });

    it('follows a change of allowed_origins at once (the gateway forgets what it remembered)', async () => {
      const client = await createClient(topology, admin, { redirect_uris: ['https://before.example.com/cb'], token_endpoint_auth_method: 'none', scope: 'openid' });
      const form = { grant_type: 'authorization_code', code: 'x', client_id: client.client_id, redirect_uri: 'https://before.example.com/cb', code_verifier: random(32) };
      const allowOrigin = async (origin: string) => (await postForm(url('/oauth2/token'), form, { origin })).headers.get('access-control-allow-origin');
      const preflightOrigin = async (origin: string) => (await preflight(url('/oauth2/token'), origin)).headers.get('access-control-allow-origin');
      expect(await allowOrigin('https://before.example.com')).toBe('https://before.example.com');
      expect(await allowOrigin('https://after.example.com')).toBeNull();
      expect(await preflightOrigin('https://after.example.com')).toBeNull();

      const patched = await adminCall(topology, admin, 'PATCH', `/admin/clients/${client.client_id}`, { allowed_origins: ['https://after.example.com'] });
      expect(patched.status).toBe(200);
      expect(patched.body.allowed_origins).toEqual(['https://after.example.com']);
      // Remembered answers are dropped when the client.updated event arrives, well before their TTL.
      await eventually(async () => (await allowOrigin('https://after.example.com')) === 'https://after.example.com', 10_000);
      expect(await preflightOrigin('https://after.example.com')).toBe('https://after.example.com');
      expect(await allowOrigin('https://before.example.com')).toBeNull();
      expect(await preflightOrigin('https://before.example.com')).toBeNull();
    });
  });

  describe('userinfo', () => {
    it('answers the origins of the access token\'s client, on a 401 too', async () => {
      const service = await createClient(topology, admin, { redirect_uris: ['https://svc.example.com/cb'], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid' });
      const token = await clientCredentialsToken(topology, service.client_id, service.client_secret, 'openid');
      const options = await preflight(url('/oauth2/userinfo'), 'https://svc.example.com', 'GET', 'authorization');
      expect(options.status).toBe(204);
      expect(options.headers.get('access-control-allow-methods')).toBe('GET, POST');

      const own = await request(url('/oauth2/userinfo'), { headers: { authorization: `Bearer ${token}`, origin: 'https://svc.example.com' } });
      expect(own.status).toBe(401); // a client-credentials token has no user
      expect(own.headers.get('access-control-allow-origin')).toBe('https://svc.example.com');
      expect(own.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
      expect(own.headers.get('www-authenticate')).toMatch(/^Bearer /);

      const foreign = await request(url('/oauth2/userinfo'), { headers: { authorization: `Bearer ${token}`, origin: SPA_ORIGIN } });
      expect(foreign.status).toBe(401);
      expect(corsHeaders(foreign.headers)).toEqual({});
    });
  });

  describe('never the authorization endpoint, the pages, the admin API or the docs', () => {
    const paths = ['/oauth2/authorize', '/oauth2/logout', '/ui/login', '/admin/clients', '/docs', '/docs-json'];

    it.each(paths)('%s answers a preflight from a registered origin with no CORS headers', async (path) => {
      const options = await preflight(url(path), SPA_ORIGIN, 'POST', 'authorization, content-type');
      expect(corsHeaders(options.headers)).toEqual({});
      expect(options.status).not.toBe(204);
    });

    it.each(paths)('%s answers a request from a registered origin with no CORS headers', async (path) => {
      const result = await request(url(path), { headers: { origin: SPA_ORIGIN, authorization: `Bearer ${admin}` } });
      expect(corsHeaders(result.headers)).toEqual({});
    });
  });

  describe('client registration rules', () => {
    type BadCase = [string, Record<string, unknown>, string, RegExp];
    const bad: BadCase[] = [
      ['an ftp: redirect URI', { redirect_uris: ['ftp://files.example.com/cb'] }, 'invalid_redirect_uri', /^redirect_uris: "ftp:\/\/files\.example\.com\/cb" uses the forbidden scheme ftp:/],
      ['an about: redirect URI', { redirect_uris: ['about:blank'] }, 'invalid_redirect_uri', /"about:blank" uses the forbidden scheme about:/],
      ['a blob: redirect URI', { redirect_uris: ['blob:https://app.example.com/1234'] }, 'invalid_redirect_uri', /forbidden scheme blob:/],
      ['a data: redirect URI', { redirect_uris: ['data:text/html,hi'] }, 'invalid_redirect_uri', /forbidden scheme data:/],
      ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri', /forbidden scheme javascript:/],
      ['a redirect URI with user info', { redirect_uris: ['https://user:pass@app.example.com/cb'] }, 'invalid_redirect_uri', /user information/],
      ['a post-logout URI with user info', { redirect_uris: ['https://app.example.com/cb'], post_logout_redirect_uris: ['https://admin@app.example.com/bye'] }, 'invalid_redirect_uri', /^post_logout_redirect_uris: .*user information/],
      ['a post-logout about: URI', { redirect_uris: ['https://app.example.com/cb'], post_logout_redirect_uris: ['about:blank'] }, 'invalid_redirect_uri', /^post_logout_redirect_uris: .*forbidden scheme about:/],
      ['allowed_origins "*"', { redirect_uris: ['https://app.example.com/cb'], allowed_origins: ['*'] }, 'invalid_client_metadata', /^allowed_origins: "\*" is not allowed/],
      ['an allowed origin with a path', { redirect_uris: ['https://app.example.com/cb'], allowed_origins: ['https://app.example.com/app'] }, 'invalid_client_metadata', /^allowed_origins: .*write it as https:\/\/app\.example\.com/],
      ['an http allowed origin on a public host', { redirect_uris: ['https://app.example.com/cb'], allowed_origins: ['http://app.example.com'] }, 'invalid_client_metadata', /^allowed_origins: .*https/],
    ];

    it.each(bad)('refuses %s with a clear error and stores nothing', async (_name, metadata, error, description) => {
      const before = await adminCall<{ items: unknown[] }>(topology, admin, 'GET', '/admin/clients?limit=200');
      const result = await adminCall(topology, admin, 'POST', '/admin/clients', { client_name: `bad-${random()}`, ...metadata });
      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error, error_description: expect.stringMatching(description) });
      const after = await adminCall<{ items: unknown[] }>(topology, admin, 'GET', '/admin/clients?limit=200');
      expect(after.body.items.length).toBe(before.body.items.length);
    });

    it('accepts a localhost redirect URI with an RFC 8252 §8.3 warning in the response', async () => {
      const created = await adminCall<{ client_id: string; warnings?: string[] }>(topology, admin, 'POST', '/admin/clients', {
        redirect_uris: ['http://localhost:8080/cb'],
        token_endpoint_auth_method: 'none',
      });
      expect(created.status).toBe(201);
      expect(created.body.warnings).toEqual([expect.stringMatching(/^redirect_uris: "http:\/\/localhost:8080\/cb" uses localhost, .*RFC 8252 §8\.3/)]);
      const loopback = await adminCall(topology, admin, 'PATCH', `/admin/clients/${created.body.client_id}`, { redirect_uris: ['http://127.0.0.1:8080/cb'] });
      expect(loopback.status).toBe(200);
      expect(loopback.body).not.toHaveProperty('warnings');
    });
  });

  describe('a single-page app using oidc-client-ts in Chromium', () => {
    let browser: Browser;
    let app: SpaServer;
    let stranger: SpaServer;
    let client: CreatedClient;
    let strangerClient: CreatedClient;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      browser = await launchChromium();
      app = await new SpaServer().start();
      stranger = await new SpaServer().start();
      client = await createClient(topology, admin, {
        client_name: 'Browser SPA',
        redirect_uris: [`${app.origin}/callback.html`],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        scope: 'openid profile',
      });
      // The stranger's origin is registered, but for another client only.
      strangerClient = await createClient(topology, admin, { redirect_uris: [`${stranger.origin}/cb`], token_endpoint_auth_method: 'none', scope: 'openid' });
      const settings = {
        authority: topology.baseUrl,
        client_id: client.client_id,
        redirect_uri: `${app.origin}/callback.html`,
        response_type: 'code',
        scope: 'openid profile',
        loadUserInfo: true,
      };
      app.page('/index.html', spaIndexPage(settings)).page('/callback.html', spaCallbackPage(settings));
      stranger.page('/index.html', '<!doctype html><title>stranger</title><p>another origin</p>');
    }, 90_000);

    afterEach(async () => {
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    });

    afterAll(async () => {
      await app?.stop();
      await stranger?.stop();
      await browser?.close();
    });

    async function newPage(): Promise<Page> {
      const context = await browser.newContext();
      contexts.push(context);
      context.setDefaultTimeout(UI_TIMEOUT);
      context.setDefaultNavigationTimeout(UI_TIMEOUT);
      return context.newPage();
    }

    async function newUser(): Promise<{ id: string; username: string; password: string }> {
      const username = `spa-${random(4)}`;
      const password = `pw-${random(12)}`;
      const created = await adminCall<{ id: string }>(topology, admin, 'POST', '/admin/users', { username, password, email: `${username}@example.com`, email_verified: true, name: `SPA ${username}`, roles: [], groups: [] });
      if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${created.text}`);
      return { id: created.body.id, username, password };
    }

    it('signs in with PKCE, exchanges the code, calls userinfo and revokes, all over CORS', async () => {
      const user = await newUser();
      const page = await newPage();
      await page.goto(`${app.origin}/index.html`);
      await page.click('#sign-in');
      await page.waitForURL((u) => u.origin === topology.baseUrl && u.pathname === '/ui/login');
      await page.fill('input[name=username]', user.username);
      await page.fill('input[name=password]', user.password);
      await Promise.all([page.waitForEvent('load'), page.click('button[type=submit]')]);
      if (new URL(page.url()).pathname === '/ui/consent') {
        await Promise.all([page.waitForURL((u) => u.origin === app.origin), page.click('button[name=decision][value=allow]')]);
      }
      await page.waitForURL((u) => u.origin === app.origin && u.pathname === '/callback.html');
      await page.waitForFunction(() => (globalThis as unknown as { spaResult?: unknown }).spaResult !== undefined, undefined, { timeout: UI_TIMEOUT });
      const result = (await page.evaluate(() => (globalThis as unknown as { spaResult: unknown }).spaResult)) as SpaResult;

      expect(result.error).toBeUndefined();
      // The code exchange (fetch to /oauth2/token) and userinfo (loadUserInfo) went through.
      expect(result.user).toMatchObject({ sub: user.id, preferred_username: user.username, name: `SPA ${user.username}` });
      expect(result.tokenType).toBe('Bearer');
      expect(result.userinfo).toEqual({ status: 200, body: expect.objectContaining({ sub: user.id }) });
      // After revocation (fetch to /oauth2/revoke) the token is refused, and the script can read why.
      expect(result.afterRevoke).toEqual({ status: 401, error: 'invalid_token', wwwAuthenticate: expect.stringMatching(/^Bearer /) });
    });

    it('an origin the client did not register cannot read its token endpoint in the browser', async () => {
      const page = await newPage();
      await page.goto(`${stranger.origin}/index.html`);
      const tokenRequest = async (clientId: string) =>
        page.evaluate(
          async ({ tokenUrl, clientId, redirectUri }) => {
            try {
              const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'forged', client_id: clientId, redirect_uri: redirectUri, code_verifier: 'v'.repeat(43) });
              const response = await fetch(tokenUrl, { method: 'POST', body });
              return { status: response.status, error: ((await response.json()) as { error: string }).error };
            } catch (err) {
              return { failed: (err as Error).name };
            }
          },
          { tokenUrl: `${topology.baseUrl}/oauth2/token`, clientId, redirectUri: `${stranger.origin}/cb` },
        );
      // The SPA client's token endpoint answer is not readable from here: fetch fails.
      expect(await tokenRequest(client.client_id)).toEqual({ failed: 'TypeError' });
      // The same request for the client that registered this origin is readable (the control).
      expect(await tokenRequest(strangerClient.client_id)).toEqual({ status: 400, error: 'invalid_grant' });
    });
  });

  async function eventually(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

interface SpaResult {
  error?: string;
  user?: Record<string, unknown>;
  tokenType?: string;
  userinfo?: { status: number; body: Record<string, unknown> };
  afterRevoke?: { status: number; error: string; wwwAuthenticate: string | null };
}

/** The SPA's start page: a button that starts the sign-in (signinRedirect: PKCE S256, state, nonce). */
function spaIndexPage(settings: Record<string, unknown>): string {
  return `<!doctype html><html><head><title>SPA</title><script src="/oidc-client-ts.min.js"></script></head><body>
<button id="sign-in">Sign in with Argus</button>
<script>
const manager = new oidc.UserManager(${JSON.stringify(settings)});
document.getElementById('sign-in').addEventListener('click', () => manager.signinRedirect());
</script></body></html>`;
}

/**
 * The SPA's redirect URI: oidc-client-ts exchanges the code at the token endpoint and loads
 * userinfo (both cross-origin fetches), then the page calls userinfo itself, revokes the tokens
 * and calls userinfo again. The outcome lands in window.spaResult.
 */
function spaCallbackPage(settings: Record<string, unknown> & { authority: string }): string {
  return `<!doctype html><html><head><title>SPA callback</title><script src="/oidc-client-ts.min.js"></script></head><body>
<script>
(async () => {
  const manager = new oidc.UserManager(${JSON.stringify(settings)});
  const userinfoUrl = ${JSON.stringify(`${settings.authority}/oauth2/userinfo`)};
  const result = {};
  try {
    const user = await manager.signinRedirectCallback();
    result.user = user.profile;
    result.tokenType = user.token_type;
    const info = await fetch(userinfoUrl, { headers: { Authorization: 'Bearer ' + user.access_token } });
    result.userinfo = { status: info.status, body: await info.json() };
    await manager.revokeTokens();
    const after = await fetch(userinfoUrl, { headers: { Authorization: 'Bearer ' + user.access_token } });
    result.afterRevoke = { status: after.status, error: (await after.json()).error, wwwAuthenticate: after.headers.get('WWW-Authenticate') };
  } catch (err) {
    result.error = String(err && err.message || err);
  }
  window.spaResult = result;
})();
</script></body></html>`;
}
