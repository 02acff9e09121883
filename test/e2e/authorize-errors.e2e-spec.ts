import { startTopology, type Topology } from '@argus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { Browser, errorCode, formPostParams, hiddenInputs, loginError, pageKind, scopeItems, type Hop } from '../support/browser-flow';
import { adminCall, adminToken, createClient, type CreatedClient } from '../support/oauth-http';
import { TOPOLOGIES } from '../support/topologies';

const WEB_REDIRECT = 'https://app.example.com/cb';
const SPA_REDIRECT = 'https://spa.example.com/cb';
const NATIVE_REDIRECT = 'http://127.0.0.1:8400/cb';
const PASSWORD = 'a long enough password';

const challenge = () => createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');

describe.each(TOPOLOGIES)('authorization endpoint: bad input gets the right outcome and issues nothing (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  let web: CreatedClient;
  let spa: CreatedClient;
  let native: CreatedClient;
  let billing: CreatedClient;
  let billingForAcme: CreatedClient;
  let twoRedirects: CreatedClient;
  let disabledClient: CreatedClient;
  let unconsented: CreatedClient;
  const userIds: Record<string, string> = {};

  const users = {
    alice: { username: 'alice', password: PASSWORD, roles: ['billing-admin'], customer_id: 'acme' },
    bob: { username: 'bob', password: PASSWORD, roles: ['viewer'], customer_id: 'acme' },
    carol: { username: 'carol', password: PASSWORD, roles: ['billing-admin'], customer_id: 'globex' },
    dave: { username: 'dave', password: PASSWORD, roles: ['billing-admin'], customer_id: 'acme', enabled: false },
    frank: { username: 'frank', password: PASSWORD, roles: [], customer_id: 'acme' },
  };

  /** A valid request for the confidential web client; override or drop (undefined) any parameter. */
  const webRequest = (overrides: Record<string, string | undefined> = {}): Record<string, string> => {
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: web.client_id,
      redirect_uri: WEB_REDIRECT,
      scope: 'openid profile',
      state: randomBytes(8).toString('hex'),
      code_challenge: challenge(),
      code_challenge_method: 'S256',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
  };

  /** The error page: 400, [data-testid=error-code], no redirect and no session. */
  function expectErrorPage(hop: Hop, error: string) {
    expect({ status: hop.status, location: hop.location, kind: pageKind(hop) }).toEqual({ status: 400, location: undefined, kind: 'error' });
    expect(errorCode(hop.html)).toBe(error);
    expect(hop.headers.get('content-type')).toMatch(/^text\/html/);
    expect(hop.setCookies).not.toContain('argus_session');
  }

  /** An error redirect to `redirectUri`: error, state and iss (RFC 9207), no code. */
  function expectErrorRedirect(hop: Hop, redirectUri: string, error: string, state: string | undefined) {
    expect(hop.status).toBe(302);
    const location = new URL(hop.location!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe(error);
    expect(typeof location.searchParams.get('error_description')).toBe('string');
    expect(location.searchParams.get('state')).toBe(state ?? null);
    expect(location.searchParams.get('iss')).toBe(topology.baseUrl);
    expect(location.searchParams.has('code')).toBe(false);
  }

  /** A browser signed in as `user` (through the web client: the login page, no consent needed for `openid`). */
  async function signedIn(user: keyof typeof users): Promise<Browser> {
    const browser = new Browser(topology.baseUrl);
    const login = await browser.followInternal(await browser.authorize(webRequest({ scope: 'openid' })));
    expect(pageKind(login)).toBe('login');
    const after = await browser.submitLogin(login, users[user].username, users[user].password);
    expect(after.status).toBe(302);
    expect(browser.cookie('argus_session')).toBeDefined();
    return browser;
  }

  beforeAll(async () => {
    topology = await startTopology(kind);
    admin = await adminToken(topology);
    for (const [name, user] of Object.entries(users)) {
      const created = await adminCall<{ id: string }>(topology, admin, 'POST', '/admin/users', user);
      if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${created.text}`);
      userIds[name] = created.body.id;
    }
    const [a, b, c, d, e, f, g, h] = await Promise.all([
      createClient(topology, admin, { client_name: 'Web', redirect_uris: [WEB_REDIRECT], scope: 'openid profile email', skip_consent: false }),
      createClient(topology, admin, { client_name: 'SPA', redirect_uris: [SPA_REDIRECT], scope: 'openid profile', token_endpoint_auth_method: 'none' }),
      createClient(topology, admin, { client_name: 'Native', redirect_uris: [NATIVE_REDIRECT], scope: 'openid', token_endpoint_auth_method: 'none' }),
      createClient(topology, admin, { client_name: 'Billing', redirect_uris: [WEB_REDIRECT], scope: 'openid', required_role: 'billing-admin', skip_consent: true }),
      createClient(topology, admin, { client_name: 'Acme Billing', redirect_uris: [WEB_REDIRECT], scope: 'openid', required_role: 'billing-admin', customer: 'acme', skip_consent: true }),
      createClient(topology, admin, { client_name: 'Two', redirect_uris: [WEB_REDIRECT, 'https://app.example.com/cb2'], scope: 'openid' }),
      createClient(topology, admin, { client_name: 'Disabled', redirect_uris: [WEB_REDIRECT], scope: 'openid', enabled: false }),
      createClient(topology, admin, { client_name: 'Unconsented', redirect_uris: [WEB_REDIRECT], scope: 'openid' }),
    ]);
    [web, spa, native, billing, billingForAcme, twoRedirects, disabledClient, unconsented] = [a, b, c, d, e, f, g, h];
  });

  afterAll(async () => {
    await topology?.stop();
  });

  describe('client or redirect URI errors: an error page, never a redirect (RFC 6749 §4.1.2.1)', () => {
    type PageCase = [string, () => Record<string, string> | string, string];
    const cases: PageCase[] = [
      ['an unregistered redirect URI', () => webRequest({ redirect_uri: 'https://evil.example.com/cb' }), 'invalid_request'],
      ['an extra path segment', () => webRequest({ redirect_uri: `${WEB_REDIRECT}/extra` }), 'invalid_request'],
      ['a trailing slash', () => webRequest({ redirect_uri: `${WEB_REDIRECT}/` }), 'invalid_request'],
      ['a path prefix of the registered one', () => webRequest({ redirect_uri: 'https://app.example.com/c' }), 'invalid_request'],
      ['an extra query', () => webRequest({ redirect_uri: `${WEB_REDIRECT}?next=https://evil.example.com` }), 'invalid_request'],
      ['a different scheme', () => webRequest({ redirect_uri: 'http://app.example.com/cb' }), 'invalid_request'],
      ['a different host', () => webRequest({ redirect_uri: 'https://app.example.com.evil.example/cb' }), 'invalid_request'],
      ['a sub-domain', () => webRequest({ redirect_uri: 'https://evil.app.example.com/cb' }), 'invalid_request'],
      ['userinfo before the host', () => webRequest({ redirect_uri: 'https://app.example.com@evil.example/cb' }), 'invalid_request'],
      ['a fragment', () => webRequest({ redirect_uri: `${WEB_REDIRECT}#frag` }), 'invalid_request'],
      ['a different port for a non-loopback URI', () => webRequest({ redirect_uri: 'https://app.example.com:8443/cb' }), 'invalid_request'],
      ['an explicit default port', () => webRequest({ redirect_uri: 'https://app.example.com:443/cb' }), 'invalid_request'],
      ['a different case in the path', () => webRequest({ redirect_uri: 'https://app.example.com/CB' }), 'invalid_request'],
      ['a percent-encoded path', () => webRequest({ redirect_uri: 'https://app.example.com/%63b' }), 'invalid_request'],
      ['a dot segment', () => webRequest({ redirect_uri: 'https://app.example.com/x/../cb' }), 'invalid_request'],
      ['a relative redirect URI', () => webRequest({ redirect_uri: '/cb' }), 'invalid_request'],
      ['a javascript: URI', () => webRequest({ redirect_uri: 'javascript:alert(1)' }), 'invalid_request'],
      ['loopback: another path', () => ({ response_type: 'code', client_id: native.client_id, redirect_uri: 'http://127.0.0.1:9000/other', code_challenge: challenge(), code_challenge_method: 'S256', state: 's' }), 'invalid_request'],
      ['loopback: localhost for a registered IP literal', () => ({ response_type: 'code', client_id: native.client_id, redirect_uri: 'http://localhost:8400/cb', code_challenge: challenge(), code_challenge_method: 'S256', state: 's' }), 'invalid_request'],
      ['loopback: https instead of http', () => ({ response_type: 'code', client_id: native.client_id, redirect_uri: 'https://127.0.0.1:8400/cb', code_challenge: challenge(), code_challenge_method: 'S256', state: 's' }), 'invalid_request'],
      ['loopback: an extra query', () => ({ response_type: 'code', client_id: native.client_id, redirect_uri: 'http://127.0.0.1:9000/cb?x=1', code_challenge: challenge(), code_challenge_method: 'S256', state: 's' }), 'invalid_request'],
      ['no redirect_uri when several are registered', () => ({ response_type: 'code', client_id: twoRedirects.client_id, scope: 'openid', state: 's' }), 'invalid_request'],
      ['redirect_uri sent twice', () => `${new URLSearchParams(webRequest())}&redirect_uri=${encodeURIComponent(WEB_REDIRECT)}`, 'invalid_request'],
      ['client_id sent twice', () => `${new URLSearchParams(webRequest())}&client_id=${encodeURIComponent(spa.client_id)}`, 'invalid_request'],
      ['an unknown client', () => webRequest({ client_id: 'no-such-client' }), 'invalid_client'],
      ['a disabled client', () => webRequest({ client_id: disabledClient.client_id }), 'invalid_client'],
      ['no client_id', () => webRequest({ client_id: undefined }), 'invalid_request'],
      ['an unregistered redirect URI with an invalid response_type too', () => webRequest({ redirect_uri: 'https://evil.example.com/cb', response_type: 'token' }), 'invalid_request'],
    ];

    it.each(cases)('%s', async (_name, params, error) => {
      const browser = new Browser(topology.baseUrl);
      expectErrorPage(await browser.authorize(params()), error);
    });

    it('the same over POST', async () => {
      const browser = new Browser(topology.baseUrl);
      expectErrorPage(await browser.post('/oauth2/authorize', webRequest({ redirect_uri: 'https://evil.example.com/cb' })), 'invalid_request');
    });

    it('the error page escapes what the request put in it', async () => {
      const browser = new Browser(topology.baseUrl);
      const hop = await browser.authorize(webRequest({ client_id: '<script>alert(1)</script>' }));
      expectErrorPage(hop, 'invalid_client');
      expect(hop.html).not.toContain('<script>alert(1)</script>');
      expect(hop.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    });

    it('a loopback redirect URI may vary its port (RFC 8252 §7.3)', async () => {
      const browser = new Browser(topology.baseUrl);
      const hop = await browser.authorize({ response_type: 'code', client_id: native.client_id, redirect_uri: 'http://127.0.0.1:51234/cb', code_challenge: challenge(), code_challenge_method: 'S256', state: 's', scope: 'openid' });
      expect(hop.status).toBe(302);
      expect(hop.location).toMatch(new RegExp(`^${topology.baseUrl}/ui/login\\?req=`));
    });
  });

  describe('request errors: redirected with error, state and iss', () => {
    type RedirectCase = [string, () => { params: Record<string, string> | string; redirect: string; state?: string }, string];
    const cases: RedirectCase[] = [
      ['public client without PKCE', () => ({ params: { response_type: 'code', client_id: spa.client_id, redirect_uri: SPA_REDIRECT, scope: 'openid', state: 'st-1' }, redirect: SPA_REDIRECT, state: 'st-1' }), 'invalid_request'],
      ['public client with code_challenge_method=plain', () => ({ params: { response_type: 'code', client_id: spa.client_id, redirect_uri: SPA_REDIRECT, scope: 'openid', state: 'st-2', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, redirect: SPA_REDIRECT, state: 'st-2' }), 'invalid_request'],
      ['public client with a code_challenge but no method (plain by default)', () => ({ params: { response_type: 'code', client_id: spa.client_id, redirect_uri: SPA_REDIRECT, scope: 'openid', state: 'st-3', code_challenge: 'a'.repeat(43) }, redirect: SPA_REDIRECT, state: 'st-3' }), 'invalid_request'],
      ['public client with S256 but no code_challenge', () => ({ params: { response_type: 'code', client_id: spa.client_id, redirect_uri: SPA_REDIRECT, scope: 'openid', state: 'st-4', code_challenge_method: 'S256' }, redirect: SPA_REDIRECT, state: 'st-4' }), 'invalid_request'],
      ['a malformed code_challenge', () => ({ params: webRequest({ state: 'st-5', code_challenge: 'short' }), redirect: WEB_REDIRECT, state: 'st-5' }), 'invalid_request'],
      ['confidential client with code_challenge_method=plain', () => ({ params: webRequest({ state: 'st-6', code_challenge_method: 'plain' }), redirect: WEB_REDIRECT, state: 'st-6' }), 'invalid_request'],
      ['response_type=token (implicit)', () => ({ params: webRequest({ state: 'st-7', response_type: 'token' }), redirect: WEB_REDIRECT, state: 'st-7' }), 'unsupported_response_type'],
      ['response_type=code id_token (hybrid)', () => ({ params: webRequest({ state: 'st-8', response_type: 'code id_token' }), redirect: WEB_REDIRECT, state: 'st-8' }), 'unsupported_response_type'],
      ['no response_type', () => ({ params: webRequest({ state: 'st-9', response_type: undefined }), redirect: WEB_REDIRECT, state: 'st-9' }), 'invalid_request'],
      ['scope sent twice', () => ({ params: `${new URLSearchParams(webRequest({ state: 'st-10' }))}&scope=email`, redirect: WEB_REDIRECT, state: 'st-10' }), 'invalid_request'],
      ['code_challenge sent twice', () => ({ params: `${new URLSearchParams(webRequest({ state: 'st-11' }))}&code_challenge=${challenge()}`, redirect: WEB_REDIRECT, state: 'st-11' }), 'invalid_request'],
      ['a scope with an invalid character', () => ({ params: webRequest({ state: 'st-12', scope: 'openid "quoted"' }), redirect: WEB_REDIRECT, state: 'st-12' }), 'invalid_scope'],
      ['an unknown prompt value', () => ({ params: webRequest({ state: 'st-13', prompt: 'select_account_now' }), redirect: WEB_REDIRECT, state: 'st-13' }), 'invalid_request'],
      ['prompt=none combined with login', () => ({ params: webRequest({ state: 'st-14', prompt: 'none login' }), redirect: WEB_REDIRECT, state: 'st-14' }), 'invalid_request'],
      ['a non-numeric max_age', () => ({ params: webRequest({ state: 'st-15', max_age: 'soon' }), redirect: WEB_REDIRECT, state: 'st-15' }), 'invalid_request'],
      ['an unsupported response_mode', () => ({ params: webRequest({ state: 'st-16', response_mode: 'fragment' }), redirect: WEB_REDIRECT, state: 'st-16' }), 'invalid_request'],
      ['a request object', () => ({ params: webRequest({ state: 'st-17', request: 'eyJhbGciOiJub25lIn0.e30.' }), redirect: WEB_REDIRECT, state: 'st-17' }), 'request_not_supported'],
      ['prompt=none without a session', () => ({ params: webRequest({ state: 'st-18', prompt: 'none' }), redirect: WEB_REDIRECT, state: 'st-18' }), 'login_required'],
      ['no state at all (iss still present)', () => ({ params: webRequest({ state: undefined, response_type: 'token' }), redirect: WEB_REDIRECT, state: undefined }), 'unsupported_response_type'],
      ['the only registered redirect URI used when none is sent', () => ({ params: webRequest({ state: 'st-19', redirect_uri: undefined, response_type: 'token' }), redirect: WEB_REDIRECT, state: 'st-19' }), 'unsupported_response_type'],
    ];

    it.each(cases)('%s', async (_name, build, error) => {
      const { params, redirect, state } = build();
      const browser = new Browser(topology.baseUrl);
      const hop = await browser.authorize(params);
      expectErrorRedirect(hop, redirect, error, state);
      expect(hop.setCookies).not.toContain('argus_session');
    });

    it('state is returned exactly as sent, however odd', async () => {
      const state = 'a b&c=d/é?#%';
      const hop = await new Browser(topology.baseUrl).authorize(webRequest({ state, response_type: 'token' }));
      expectErrorRedirect(hop, WEB_REDIRECT, 'unsupported_response_type', state);
    });

    it('response_mode=form_post answers with a page that posts error, state and iss', async () => {
      const hop = await new Browser(topology.baseUrl).authorize(webRequest({ state: 'fp-1', response_type: 'token', response_mode: 'form_post' }));
      expect(hop.status).toBe(200);
      expect(hop.location).toBeUndefined();
      const { action, params } = formPostParams(hop.html);
      expect(action).toBe(WEB_REDIRECT);
      expect(params).toMatchObject({ error: 'unsupported_response_type', state: 'fp-1', iss: topology.baseUrl });
      expect(params.code).toBeUndefined();
    });
  });

  describe('the login page', () => {
    async function loginPage(browser = new Browser(topology.baseUrl), params: Record<string, string> = webRequest()): Promise<{ browser: Browser; page: Hop; state: string }> {
      const page = await browser.followInternal(await browser.authorize(params));
      expect(pageKind(page)).toBe('login');
      const inputs = hiddenInputs(page.html);
      expect(inputs.req).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(inputs.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(page.html).toMatch(/<input[^>]*name="username"/);
      expect(page.html).toMatch(/<input[^>]*name="password"/);
      expect(page.html).toMatch(/<button[^>]*type="submit"/);
      return { browser, page, state: params.state };
    }

    type CsrfCase = [string, (page: Hop) => Record<string, string | undefined>];
    const csrfCases: CsrfCase[] = [
      ['a forged CSRF token', () => ({ csrf_token: randomBytes(32).toString('base64url') })],
      ['no CSRF token', () => ({ csrf_token: undefined })],
      ['an empty CSRF token', () => ({ csrf_token: '' })],
      ['another request\'s id', () => ({ req: randomBytes(32).toString('base64url') })],
    ];
    it.each(csrfCases)('%s: 400 error page, no session cookie, no code', async (_name, overrides) => {
      const { browser, page } = await loginPage();
      const hop = await browser.submitLogin(page, users.alice.username, users.alice.password, overrides(page));
      expectErrorPage(hop, 'invalid_request');
      expect(browser.cookie('argus_session')).toBeUndefined();
      // The genuine form still works afterwards.
      const genuine = await browser.submitLogin(page, users.alice.username, users.alice.password);
      expect(genuine.status).toBe(302);
      expect(browser.cookie('argus_session')).toBeDefined();
    });

    it('a login form posted from another browser (right CSRF token, other cookie) is refused', async () => {
      const { page } = await loginPage();
      const attacker = new Browser(topology.baseUrl);
      const hop = await attacker.submitLogin(page, users.alice.username, users.alice.password);
      expectErrorPage(hop, 'invalid_request');
      expect(attacker.cookie('argus_session')).toBeUndefined();
    });

    it('the login page of another browser\'s request is not shown', async () => {
      const { page } = await loginPage();
      const other = new Browser(topology.baseUrl);
      expectErrorPage(await other.get(`/ui/login?req=${hiddenInputs(page.html).req}`), 'invalid_request');
    });

    it('a wrong password, an unknown user and a disabled user get the same generic error and no session', async () => {
      const messages: string[] = [];
      for (const [username, password] of [
        [users.alice.username, 'not the password'],
        ['nobody-here', PASSWORD],
        [users.dave.username, users.dave.password],
      ]) {
        const { browser, page } = await loginPage();
        const hop = await browser.submitLogin(page, username, password);
        // The form is shown again (not a redirect, not the error page).
        expect(hop.status).toBeLessThan(300);
        expect(hop.location).toBeUndefined();
        expect(pageKind(hop)).toBe('login');
        expect(browser.cookie('argus_session')).toBeUndefined();
        messages.push(loginError(hop.html)!);
      }
      expect(messages[0]).toBe('Invalid username or password.');
      expect(new Set(messages).size).toBe(1);
    });

    it('after a wrong password the re-rendered form still signs in', async () => {
      const { browser, page, state } = await loginPage();
      const retry = await browser.submitLogin(page, users.alice.username, 'wrong password!');
      expect(loginError(retry.html)).toBeDefined();
      const hop = await browser.followInternal(await browser.submitLogin(retry, users.alice.username, users.alice.password));
      expect(pageKind(hop)).toBe('consent');
      const decided = await browser.submitConsent(hop, 'allow');
      const location = new URL(decided.location!);
      expect(location.searchParams.get('state')).toBe(state);
      expect(location.searchParams.get('iss')).toBe(topology.baseUrl);
      expect(location.searchParams.get('code')).toBeTruthy();
    });
  });

  describe('the consent page', () => {
    async function consentPage(scope = 'openid profile email'): Promise<{ browser: Browser; page: Hop; state: string }> {
      const browser = new Browser(topology.baseUrl);
      const params = webRequest({ scope: `${scope} phone` });
      const login = await browser.followInternal(await browser.authorize(params));
      // bob has no consent for the web client, whatever other tests do with alice
      const page = await browser.followInternal(await browser.submitLogin(login, users.bob.username, users.bob.password));
      expect(pageKind(page)).toBe('consent');
      // Only what the client may ask for is listed (phone is not registered for it).
      expect(scopeItems(page.html)).toEqual(scope.split(' '));
      return { browser, page, state: params.state };
    }

    type CsrfCase = [string, Record<string, string | undefined>];
    const csrfCases: CsrfCase[] = [
      ['a forged CSRF token', { csrf_token: randomBytes(32).toString('base64url') }],
      ['no CSRF token', { csrf_token: undefined }],
    ];
    it.each(csrfCases)('%s: 400 error page, no code', async (_name, overrides) => {
      const { browser, page, state } = await consentPage();
      expectErrorPage(await browser.submitConsent(page, 'allow', overrides), 'invalid_request');
      // Nothing was consented: prompt=none still needs consent.
      const silent = await browser.authorize(webRequest({ scope: 'openid profile email', prompt: 'none', state }));
      expectErrorRedirect(silent, WEB_REDIRECT, 'consent_required', state);
    });

    it('a consent form posted from another browser is refused', async () => {
      const { page } = await consentPage();
      const attacker = new Browser(topology.baseUrl);
      expectErrorPage(await attacker.submitConsent(page, 'allow'), 'invalid_request');
    });

    it('deny: access_denied with state and iss, and nothing is remembered', async () => {
      const { browser, page, state } = await consentPage();
      expectErrorRedirect(await browser.submitConsent(page, 'deny'), WEB_REDIRECT, 'access_denied', state);
      const silent = await browser.authorize(webRequest({ scope: 'openid profile email', prompt: 'none', state: 'again' }));
      expectErrorRedirect(silent, WEB_REDIRECT, 'consent_required', 'again');
    });

    it('a consent form cannot be submitted twice', async () => {
      const { browser, page } = await consentPage('openid');
      expect(new URL((await browser.submitConsent(page, 'allow')).location!).searchParams.get('code')).toBeTruthy();
      expectErrorPage(await browser.submitConsent(page, 'allow'), 'invalid_request');
    });

    it('prompt=none with a session but without consent: consent_required', async () => {
      const browser = await signedIn('alice');
      // Nobody ever consents to `unconsented`.
      const hop = await browser.authorize(webRequest({ client_id: unconsented.client_id, scope: 'openid', prompt: 'none', state: 'pn-1' }));
      expectErrorRedirect(hop, WEB_REDIRECT, 'consent_required', 'pn-1');
    });

    it('prompt=none with a session and consent: a code, with state and iss', async () => {
      const browser = new Browser(topology.baseUrl);
      const flow = await browser.signIn(webRequest({ scope: 'openid email' }), { username: users.carol.username, password: users.carol.password });
      expect(flow.consentScopes).toEqual(['openid', 'email']);
      expect(flow.params.code).toBeTruthy();
      const hop = await browser.authorize(webRequest({ scope: 'openid email', prompt: 'none', state: 'pn-2' }));
      const location = new URL(hop.location!);
      expect(location.searchParams.get('code')).toBeTruthy();
      expect(location.searchParams.get('state')).toBe('pn-2');
      expect(location.searchParams.get('iss')).toBe(topology.baseUrl);
    });
  });

  describe('re-authentication', () => {
    const silentlyFor = (client: () => CreatedClient, extra: Record<string, string>) =>
      webRequest({ client_id: client().client_id, scope: 'openid', ...extra });

    it('prompt=login with a session shows the login page, then issues a code with state and iss', async () => {
      const browser = await signedIn('alice');
      const request = silentlyFor(() => billing, { prompt: 'login', state: 'pl-1' });
      const flow = await browser.signIn(request, { username: users.alice.username, password: users.alice.password });
      expect(flow.hops.some((hop) => pageKind(hop) === 'login')).toBe(true);
      expect(flow.params).toMatchObject({ state: 'pl-1', iss: topology.baseUrl });
      expect(flow.params.code).toBeTruthy();
    });

    it('max_age exceeded: the login page again, or login_required with prompt=none', async () => {
      const browser = await signedIn('alice');
      // skip_consent client: with a fresh enough session this is a code at once.
      expect(new URL((await browser.authorize(silentlyFor(() => billing, { max_age: '60' }))).location!).searchParams.get('code')).toBeTruthy();
      await new Promise((r) => setTimeout(r, 2100));
      const stale = await browser.authorize(silentlyFor(() => billing, { max_age: '1' }));
      expect(stale.location).toMatch(new RegExp(`^${topology.baseUrl}/ui/login\\?req=`));
      expectErrorRedirect(await browser.authorize(silentlyFor(() => billing, { max_age: '1', prompt: 'none', state: 'ma-1' })), WEB_REDIRECT, 'login_required', 'ma-1');
    });

    it('the session of a user disabled since no longer counts', async () => {
      const browser = await signedIn('frank');
      expect((await adminCall(topology, admin, 'PATCH', `/admin/users/${userIds.frank}`, { enabled: false })).status).toBe(200);
      expectErrorRedirect(await browser.authorize(webRequest({ scope: 'openid', prompt: 'none', state: 'off-1' })), WEB_REDIRECT, 'login_required', 'off-1');
    });
  });

  describe('required_role', () => {
    const billingRequest = (client: () => CreatedClient, state: string) => () => ({
      response_type: 'code',
      client_id: client().client_id,
      redirect_uri: WEB_REDIRECT,
      scope: 'openid',
      state,
      code_challenge: challenge(),
      code_challenge_method: 'S256',
    });

    type RoleCase = [string, keyof typeof users, () => Record<string, string>, string | null];
    const cases: RoleCase[] = [
      ['a user without the role', 'bob', billingRequest(() => billing, 'r-1'), 'access_denied'],
      ['a user with the role', 'alice', billingRequest(() => billing, 'r-2'), null],
      ['a user with the role for another customer', 'carol', billingRequest(() => billingForAcme, 'r-3'), 'access_denied'],
      ['a user with the role for the client\'s customer', 'alice', billingRequest(() => billingForAcme, 'r-4'), null],
    ];

    it.each(cases)('%s', async (_name, user, params, error) => {
      const request = params();
      const browser = new Browser(topology.baseUrl);
      const flow = await browser.signIn(request, { username: users[user].username, password: users[user].password });
      expect(flow.params.state).toBe(request.state);
      expect(flow.params.iss).toBe(topology.baseUrl);
      if (error) {
        expect(flow.params.error).toBe(error);
        expect(flow.params.code).toBeUndefined();
      } else {
        expect(flow.params.error).toBeUndefined();
        expect(flow.params.code).toBeTruthy();
      }
    });

    it('the role is checked again for a signed-in user (prompt=none)', async () => {
      const browser = await signedIn('bob');
      const request = billingRequest(() => billing, 'r-5')();
      expectErrorRedirect(await browser.authorize({ ...request, prompt: 'none' }), WEB_REDIRECT, 'access_denied', 'r-5');
    });
  });
});
