import { startTopology, type Topology } from '@argus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CallbackServer, type CallbackHit } from '../support/callback-server';
import { launchChromium } from '../support/chromium';
import { adminCall, adminToken, basic, createClient, postForm, request, type CreatedClient } from '../support/oauth-http';
import { TOPOLOGIES } from '../support/topologies';

/** Generous: other test runs share this 2-core machine, and a login costs an argon2id verify. */
const UI_TIMEOUT = 45_000;

interface TestUser {
  id: string;
  username: string;
  password: string;
}

/** One authorization request as a relying party would build it. */
interface AuthRequest {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

interface CodeTokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  scope?: string;
  error?: string;
}

const random = (bytes = 16) => randomBytes(bytes).toString('base64url');

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(TOPOLOGIES)('browser sign-in (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  let callback: CallbackServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    callback = await new CallbackServer().start();
    topology = await startTopology(kind);
    admin = await adminToken(topology);
  }, 180_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await callback?.stop();
    await topology?.stop();
  }, 60_000);

  // ---- helpers -------------------------------------------------------------------------------

  async function newUser(): Promise<TestUser> {
    const username = `user-${random(6)}`;
    const password = `pw-${random(12)}`;
    const created = await adminCall<{ id: string }>(topology, admin, 'POST', '/admin/users', {
      username,
      password,
      email: `${username}@example.com`,
      email_verified: true,
      name: `Test ${username}`,
      roles: [],
      groups: [],
    });
    if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${created.text}`);
    expect(created.text).not.toContain(password);
    return { id: created.body.id, username, password };
  }

  /** A confidential web client whose redirect URI is registered exactly, port included. */
  function webClient(name = 'Web'): Promise<CreatedClient> {
    return createClient(topology, admin, {
      client_name: name,
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [callback.callbackUrl],
      scope: 'openid profile email offline_access',
      token_endpoint_auth_method: 'client_secret_basic',
    });
  }

  function authorizeRequest(clientId: string, options: { redirectUri?: string; scope?: string; extra?: Record<string, string> } = {}): AuthRequest {
    const state = random();
    const nonce = random();
    const verifier = random(32);
    const redirectUri = options.redirectUri ?? callback.callbackUrl;
    const url = new URL(`${topology.baseUrl}/oauth2/authorize`);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: options.scope ?? 'openid profile email',
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...options.extra,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { url: url.toString(), state, nonce, verifier, redirectUri };
  }

  /** Browser console errors per page (a CSP violation blocking a navigation shows up only there). */
  const consoleErrors = new WeakMap<Page, string[]>();

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    contexts.push(context);
    context.setDefaultTimeout(UI_TIMEOUT);
    context.setDefaultNavigationTimeout(UI_TIMEOUT);
    const page = await context.newPage();
    const errors: string[] = [];
    consoleErrors.set(page, errors);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    return { context, page };
  }

  const onIdp = (path: string) => (url: URL) => url.origin === topology.baseUrl && url.pathname === path;
  const onCallback = (url: URL) => url.origin === callback.origin && url.pathname === '/callback';

  /** Clicks and waits for the next document to load (a form POST re-rendering the same path included). */
  async function clickAndLoad(page: Page, selector: string): Promise<void> {
    const loaded = page.waitForEvent('load', { timeout: UI_TIMEOUT }).then(
      () => undefined,
      (err: Error) => {
        const errors = consoleErrors.get(page) ?? [];
        throw new Error(`no page loaded after clicking ${selector} (still at ${page.url()}): ${err.message}\nbrowser console errors: ${JSON.stringify(errors)}`);
      },
    );
    await Promise.all([loaded, page.click(selector)]);
  }

  async function expectLoginPage(page: Page): Promise<void> {
    await page.waitForURL(onIdp('/ui/login'));
    expect(new URL(page.url()).searchParams.get('req')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.locator('input[name=username]').waitFor();
    expect(await page.locator('input[name=username]').count()).toBe(1);
    expect(await page.locator('input[name=password]').getAttribute('type')).toBe('password');
    expect(await page.locator('button[type=submit]').count()).toBe(1);
  }

  async function submitLogin(page: Page, username: string, password: string): Promise<void> {
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await clickAndLoad(page, 'button[type=submit]');
  }

  async function consentScopes(page: Page): Promise<string[]> {
    await page.waitForURL(onIdp('/ui/consent'));
    await page.locator('[data-testid=scope-item]').first().waitFor();
    return (await page.locator('[data-testid=scope-item]').allTextContents()).map((s) => s.trim());
  }

  /** The authorization response as the browser delivered it to the callback (query mode). */
  async function callbackQuery(page: Page, state: string): Promise<Record<string, string>> {
    await page.waitForURL(onCallback);
    const hit = await callback.waitFor((h) => h.method === 'GET' && h.query.state === state, UI_TIMEOUT);
    const fromUrl = Object.fromEntries(new URL(page.url()).searchParams);
    expect(fromUrl).toEqual(hit.query);
    return hit.query;
  }

  async function redeem(client: CreatedClient | { client_id: string }, auth: AuthRequest, code: string): Promise<{ status: number; body: CodeTokenResponse; headers: Headers }> {
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: auth.redirectUri, code_verifier: auth.verifier };
    const headers: Record<string, string> = {};
    if ('client_secret' in client && client.client_secret) headers.authorization = basic(client.client_id, client.client_secret);
    else form.client_id = client.client_id;
    return postForm<CodeTokenResponse>(`${topology.baseUrl}/oauth2/token`, form, headers);
  }

  async function verifyIdToken(idToken: string, clientId: string) {
    const jwks = createRemoteJWKSet(new URL(`${topology.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer: topology.baseUrl, audience: clientId });
    return { payload, protectedHeader };
  }

  /** Full first sign-in in a fresh browser: authorize → login → consent (allow) → callback. */
  async function signInAndConsent(page: Page, auth: AuthRequest, user: TestUser): Promise<Record<string, string>> {
    await page.goto(auth.url);
    await expectLoginPage(page);
    await submitLogin(page, user.username, user.password);
    await consentScopes(page);
    await clickAndLoad(page, 'button[name=decision][value=allow]');
    return callbackQuery(page, auth.state);
  }

  // ---- tests ---------------------------------------------------------------------------------

  it('a confidential web client signs a user in: login page, consent page, code with state and iss, tokens', async () => {
    const user = await newUser();
    const client = await webClient('Web App');
    const auth = authorizeRequest(client.client_id);
    const { context, page } = await newPage();

    const first = await page.goto(auth.url);
    expect(first?.status()).toBe(200);
    await expectLoginPage(page);
    expect(await page.locator('h1').textContent()).toContain('Web App');
    await page.screenshot({ path: `/tmp/argus-browser-login-${kind}.png`, fullPage: true });
    // the pending request is bound to this browser: no session yet
    expect((await context.cookies(topology.baseUrl)).map((c) => c.name)).not.toContain('argus_session');

    await submitLogin(page, user.username, user.password);
    const scopes = await consentScopes(page);
    expect(scopes).toEqual(['openid', 'profile', 'email']);
    expect(await page.locator('h1').textContent()).toContain('Web App');
    expect(await page.locator('button[name=decision][value=allow]').count()).toBe(1);
    expect(await page.locator('button[name=decision][value=deny]').count()).toBe(1);
    await page.screenshot({ path: `/tmp/argus-browser-consent-${kind}.png`, fullPage: true });

    const cookies = await context.cookies(topology.baseUrl);
    const session = cookies.find((c) => c.name === 'argus_session');
    expect(session).toBeDefined();
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    expect(cookies.find((c) => c.name === 'argus_browser')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await clickAndLoad(page, 'button[name=decision][value=allow]');
    const response = await callbackQuery(page, auth.state);
    expect(response.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.state).toBe(auth.state);
    expect(response.iss).toBe(topology.baseUrl);
    expect(response.error).toBeUndefined();
    expect(await page.locator('[data-testid=callback]').textContent()).toBe('signed in');

    const tokens = await redeem(client, auth, response.code);
    expect(tokens.status).toBe(200);
    expect(tokens.headers.get('cache-control')).toBe('no-store');
    expect(tokens.body.token_type).toBe('Bearer');
    expect(tokens.body.access_token).toMatch(/^ey/);
    expect(tokens.body.refresh_token).toBeUndefined(); // offline_access was not requested
    expect(tokens.body.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    const { payload } = await verifyIdToken(tokens.body.id_token!, client.client_id);
    expect(payload).toMatchObject({ sub: user.id, nonce: auth.nonce, email: `${user.username}@example.com`, name: `Test ${user.username}` });
    expect(typeof payload.auth_time).toBe('number');

    const userinfo = await request(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(userinfo.body).toMatchObject({ sub: user.id, email: `${user.username}@example.com`, preferred_username: user.username });

    // single use: the same code again is invalid_grant
    const replay = await redeem(client, auth, response.code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('a public PKCE client with a port-less loopback registration signs in and redeems the code without a secret', async () => {
    const user = await newUser();
    const client = await createClient(topology, admin, {
      client_name: 'Desktop App',
      grant_types: ['authorization_code'],
      redirect_uris: ['http://127.0.0.1/callback'],
      scope: 'openid profile email',
      token_endpoint_auth_method: 'none',
    });
    expect(client.client_secret).toBeUndefined();
    const auth = authorizeRequest(client.client_id); // http://127.0.0.1:<callback port>/callback
    expect(auth.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const { page } = await newPage();

    await page.goto(auth.url);
    await expectLoginPage(page);
    await submitLogin(page, user.username, user.password);
    expect(await consentScopes(page)).toEqual(['openid', 'profile', 'email']);
    await clickAndLoad(page, 'button[name=decision][value=allow]');
    const response = await callbackQuery(page, auth.state);
    expect(response).toMatchObject({ state: auth.state, iss: topology.baseUrl });
    expect(response.code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tokens = await redeem({ client_id: client.client_id }, auth, response.code);
    expect(tokens.status).toBe(200);
    expect(tokens.body.access_token).toMatch(/^ey/);
    const { payload } = await verifyIdToken(tokens.body.id_token!, client.client_id);
    expect(payload).toMatchObject({ sub: user.id, nonce: auth.nonce });
  });

  it('a public client must send PKCE: without code_challenge the error goes back to the client', async () => {
    const client = await createClient(topology, admin, {
      grant_types: ['authorization_code'],
      redirect_uris: ['http://127.0.0.1/callback'],
      scope: 'openid',
      token_endpoint_auth_method: 'none',
    });
    const auth = authorizeRequest(client.client_id, { scope: 'openid' });
    const url = new URL(auth.url);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const { page } = await newPage();
    await page.goto(url.toString());
    const response = await callbackQuery(page, auth.state);
    expect(response).toMatchObject({ error: 'invalid_request', state: auth.state, iss: topology.baseUrl });
    expect(response.code).toBeUndefined();
  });

  it('a wrong password re-renders the login page with an error that is the same for an unknown username', async () => {
    const user = await newUser();
    const client = await webClient();
    const auth = authorizeRequest(client.client_id);
    const { context, page } = await newPage();

    await page.goto(auth.url);
    await expectLoginPage(page);
    await submitLogin(page, user.username, 'not-the-password');
    const wrongPassword = page.locator('[data-testid=login-error]');
    await wrongPassword.waitFor();
    const wrongPasswordText = (await wrongPassword.textContent())?.trim();
    expect(wrongPasswordText).toBeTruthy();
    expect(wrongPasswordText).not.toContain(user.username);
    expect(await page.locator('input[name=password]').inputValue()).toBe('');
    expect(page.url()).not.toContain('not-the-password');
    expect((await context.cookies(topology.baseUrl)).map((c) => c.name)).not.toContain('argus_session');

    await submitLogin(page, `nobody-${random(6)}`, 'whatever-password');
    const unknownUser = page.locator('[data-testid=login-error]');
    await unknownUser.waitFor();
    expect((await unknownUser.textContent())?.trim()).toBe(wrongPasswordText);
    expect((await context.cookies(topology.baseUrl)).map((c) => c.name)).not.toContain('argus_session');
    expect(callback.hits.find((h) => h.query.state === auth.state)).toBeUndefined();

    // the same sign-in request still completes with the right password
    await submitLogin(page, user.username, user.password);
    expect(await consentScopes(page)).toEqual(['openid', 'profile', 'email']);
    await clickAndLoad(page, 'button[name=decision][value=allow]');
    const response = await callbackQuery(page, auth.state);
    expect(response.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('deny on the consent page sends access_denied with state and iss to the callback', async () => {
    const user = await newUser();
    const client = await webClient();
    const auth = authorizeRequest(client.client_id);
    const { page } = await newPage();

    await page.goto(auth.url);
    await expectLoginPage(page);
    await submitLogin(page, user.username, user.password);
    expect(await consentScopes(page)).toEqual(['openid', 'profile', 'email']);
    await clickAndLoad(page, 'button[name=decision][value=deny]');
    const response = await callbackQuery(page, auth.state);
    expect(response).toMatchObject({ error: 'access_denied', state: auth.state, iss: topology.baseUrl });
    expect(response.code).toBeUndefined();

    // nothing was remembered: the next authorization asks for consent again (the user is still signed in)
    const again = authorizeRequest(client.client_id);
    await page.goto(again.url);
    expect(await consentScopes(page)).toEqual(['openid', 'profile', 'email']);
  });

  it('remembers consent: a second authorization in the same browser goes straight to the callback', async () => {
    const user = await newUser();
    const client = await webClient();
    const { page } = await newPage();
    const first = authorizeRequest(client.client_id);
    const firstResponse = await signInAndConsent(page, first, user);
    const firstTokens = await redeem(client, first, firstResponse.code);
    expect(firstTokens.status).toBe(200);

    const navigations: string[] = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest() && r.frame() === page.mainFrame()) navigations.push(r.url());
    });
    const second = authorizeRequest(client.client_id);
    await page.goto(second.url);
    const response = await callbackQuery(page, second.state);
    expect(response).toMatchObject({ state: second.state, iss: topology.baseUrl });
    expect(response.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.code).not.toBe(firstResponse.code);
    expect(navigations.some((u) => u.includes('/ui/login') || u.includes('/ui/consent'))).toBe(false);
    expect(navigations.map((u) => new URL(u).pathname)).toEqual(['/oauth2/authorize', '/callback']);

    const tokens = await redeem(client, second, response.code);
    expect(tokens.status).toBe(200);
    const { payload } = await verifyIdToken(tokens.body.id_token!, client.client_id);
    expect(payload).toMatchObject({ sub: user.id, nonce: second.nonce });

    // asking for more than was granted brings the consent page back (no login)
    const wider = authorizeRequest(client.client_id, { scope: 'openid profile email offline_access' });
    await page.goto(wider.url);
    expect(await consentScopes(page)).toEqual(['openid', 'profile', 'email', 'offline_access']);
    await clickAndLoad(page, 'button[name=decision][value=allow]');
    const widerResponse = await callbackQuery(page, wider.state);
    const widerTokens = await redeem(client, wider, widerResponse.code);
    expect(widerTokens.status).toBe(200);
    expect(widerTokens.body.refresh_token).toMatch(/^ey/);

    // consent belongs to the user, not the browser: in a fresh browser, login leads straight to the callback
    const { page: fresh } = await newPage();
    const third = authorizeRequest(client.client_id);
    await fresh.goto(third.url);
    await expectLoginPage(fresh);
    await submitLogin(fresh, user.username, user.password);
    const thirdResponse = await callbackQuery(fresh, third.state);
    expect(thirdResponse).toMatchObject({ state: third.state, iss: topology.baseUrl });
    expect((await redeem(client, third, thirdResponse.code)).status).toBe(200);
  });

  it('an unregistered redirect_uri shows the error page and the browser is never sent there', async () => {
    const client = await webClient();
    const unregisteredPath = `/not-registered-${random(6)}`;
    const { page } = await newPage();
    const cases = [`${callback.origin}${unregisteredPath}`, `${callback.callbackUrl}?extra=1`, 'https://attacker.example/callback'];
    for (const redirectUri of cases) {
      const auth = authorizeRequest(client.client_id, { redirectUri });
      const hitsBefore = callback.hits.length;
      const response = await page.goto(auth.url);
      expect([redirectUri, response?.status()]).toEqual([redirectUri, 400]);
      await page.locator('[data-testid=error-code]').waitFor();
      expect([redirectUri, (await page.locator('[data-testid=error-code]').textContent())?.trim()]).toEqual([redirectUri, 'invalid_request']);
      expect(onIdp('/oauth2/authorize')(new URL(page.url()))).toBe(true);
      expect(callback.hits.length).toBe(hitsBefore);
      expect(callback.hits.find((h) => h.path === unregisteredPath || h.query.state === auth.state)).toBeUndefined();
    }

    // an unknown client is shown the error page too
    const unknown = authorizeRequest(`no-such-client-${random(4)}`);
    const response = await page.goto(unknown.url);
    expect(response?.status()).toBe(400);
    expect((await page.locator('[data-testid=error-code]').textContent())?.trim()).toBe('invalid_client');
    expect(callback.hits.find((h) => h.query.state === unknown.state)).toBeUndefined();
  });

  it('response_mode=form_post: the browser POSTs code, state and iss to the callback', async () => {
    const user = await newUser();
    const client = await webClient();
    const auth = authorizeRequest(client.client_id, { extra: { response_mode: 'form_post' } });
    const { page } = await newPage();

    await page.goto(auth.url);
    await expectLoginPage(page);
    await submitLogin(page, user.username, user.password);
    expect(await consentScopes(page)).toEqual(['openid', 'profile', 'email']);
    await page.click('button[name=decision][value=allow]');
    await page.waitForURL(onCallback);
    const hit: CallbackHit = await callback.waitFor((h) => h.method === 'POST' && h.form.state === auth.state, UI_TIMEOUT);
    expect(hit.path).toBe('/callback');
    expect(hit.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(hit.query).toEqual({});
    expect(Object.keys(hit.form).sort()).toEqual(['code', 'iss', 'state']);
    expect(hit.form).toMatchObject({ state: auth.state, iss: topology.baseUrl });
    expect(hit.form.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(page.url()).search).toBe(''); // nothing in the URL
    expect(callback.hits.find((h) => h.method === 'GET' && h.query.state === auth.state)).toBeUndefined();

    const tokens = await redeem(client, auth, hit.form.code);
    expect(tokens.status).toBe(200);
    const { payload } = await verifyIdToken(tokens.body.id_token!, client.client_id);
    expect(payload).toMatchObject({ sub: user.id, nonce: auth.nonce });
  });
});
