/**
 * Set-up for the browser-flow scenarios (authorization_code, refresh): a user, a confidential
 * client, and one real sign-in through the login and consent pages with a cookie-jar `fetch`, so
 * that the load can repeat the authorization request with an existing session and a remembered
 * consent. Every hop is checked; anything unexpected throws with what the server answered.
 */
import { createHash, randomBytes } from 'node:crypto';

export const REDIRECT_URI = 'https://rp.example.com/cb';
export const SCOPE = 'openid profile offline_access';
const FORM = 'application/x-www-form-urlencoded';

export interface BrowserFixture {
  baseUrl: string;
  clientId: string;
  /** `Basic ...` of the confidential client. */
  authorization: string;
  username: string;
  /** `argus_browser=...; argus_session=...`: the signed-in browser. */
  cookie: string;
  /** Path and query of the authorization request the load repeats (PKCE S256, no prompt). */
  authorizePath: string;
  /** The fixed PKCE verifier matching the challenge in `authorizePath`. */
  codeVerifier: string;
}

export function basic(clientId: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

/** The code of an authorization response, or why there is none. Cheap: runs once per round trip under load. */
export function codeFromLocation(location: string | undefined): { code: string } | { wrong: string } {
  if (!location) return { wrong: 'no Location header' };
  if (!location.startsWith(`${REDIRECT_URI}?`)) return { wrong: `redirect to ${location.slice(0, 200)}, not to the client` };
  const match = /[?&]code=([^&]+)/.exec(location);
  if (!match) return { wrong: `redirect without a code: ${location.slice(0, 300)}` };
  return { code: decodeURIComponent(match[1]) };
}

/** The token-request body that redeems `code` (redirect_uri and PKCE verifier included). */
export function codeTokenBody(fixture: BrowserFixture, code: string): string {
  return new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: fixture.codeVerifier }).toString();
}

export function refreshTokenBody(refreshToken: string): string {
  return `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`;
}

/** The new refresh token of a token response (regex, not JSON.parse: this runs per request under load). */
export function refreshTokenOf(body: string): string | undefined {
  return /"refresh_token":"([^"]+)"/.exec(body)?.[1];
}

interface Hop {
  status: number;
  location?: string;
  text: string;
}

/** A minimal cookie-jar client that never follows redirects. */
class CookieJarFetch {
  private readonly jar = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  has(name: string): boolean {
    return this.jar.has(name);
  }

  get(path: string): Promise<Hop> {
    return this.send(path, { method: 'GET' });
  }

  post(path: string, form: Record<string, string>): Promise<Hop> {
    return this.send(path, { method: 'POST', headers: { 'content-type': FORM }, body: new URLSearchParams(form).toString() });
  }

  private async send(path: string, init: RequestInit): Promise<Hop> {
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('cookie', this.cookieHeader);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location') ?? undefined, text: await response.text() };
  }
}

/** The hidden inputs of a server-rendered form (pages.ts writes `type`, `name`, `value` in that order). */
function hiddenInputs(html: string): Record<string, string> {
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const result: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag)?.[1];
    if (attr('type') === 'hidden' && attr('name')) result[attr('name')!] = unescape(attr('value') ?? '');
  }
  return result;
}

function describe(hop: Hop): string {
  return `HTTP ${hop.status}${hop.location ? ` -> ${hop.location}` : ''} ${hop.text.replace(/\s+/g, ' ').slice(0, 300)}`;
}

/** A redirect to one of the IdP's pages (`/ui/login`, `/ui/consent`), as a path. */
function expectPage(hop: Hop, page: 'login' | 'consent', step: string): string {
  const path = hop.location?.replace(/^https?:\/\/[^/]+/, '');
  if (hop.status !== 302 || !path?.startsWith(`/ui/${page}?req=`)) throw new Error(`${step}: expected 302 to /ui/${page}?req=..., got ${describe(hop)}`);
  return path;
}

async function formOf(jar: CookieJarFetch, path: string, step: string): Promise<Record<string, string>> {
  const page = await jar.get(path);
  const inputs = hiddenInputs(page.text);
  if (page.status !== 200 || !inputs.req || !inputs.csrf_token) throw new Error(`${step}: expected a form with req and csrf_token, got ${describe(page)}`);
  return inputs;
}

async function json(response: Response, step: string, expected: number): Promise<any> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${step}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * The fixture: POST /admin/users, POST /admin/clients (authorization_code + refresh_token), and
 * one sign-in: authorize -> /ui/login -> POST /ui/login -> /ui/consent -> POST /ui/consent (allow)
 * -> redirect with a code, redeemed once to prove the whole chain answers 200.
 */
export async function createBrowserFixture(baseUrl: string, adminToken: string): Promise<BrowserFixture> {
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const username = `bench-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  await json(
    await fetch(`${baseUrl}/admin/users`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ username, password, email: `${username}@example.com`, email_verified: true, name: 'Bench User', given_name: 'Bench', family_name: 'User' }),
    }),
    'POST /admin/users',
    201,
  );
  const client = (await json(
    await fetch(`${baseUrl}/admin/clients`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ client_name: 'bench-rp', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [REDIRECT_URI], scope: SCOPE }),
    }),
    'POST /admin/clients (authorization_code)',
    201,
  )) as { client_id: string; client_secret: string };

  // RFC 7636 appendix B style: a fixed verifier, its S256 challenge.
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const authorizePath =
    '/oauth2/authorize?' +
    new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      scope: SCOPE,
      state: 'bench-state',
      nonce: 'bench-nonce',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    }).toString();

  const jar = new CookieJarFetch(baseUrl);
  const loginPath = expectPage(await jar.get(authorizePath), 'login', 'GET /oauth2/authorize (no session)');
  const login = await formOf(jar, loginPath, 'GET /ui/login');
  const consentPath = expectPage(await jar.post('/ui/login', { username, password, req: login.req, csrf_token: login.csrf_token }), 'consent', 'POST /ui/login');
  const consent = await formOf(jar, consentPath, 'GET /ui/consent');
  const allowed = await jar.post('/ui/consent', { decision: 'allow', req: consent.req, csrf_token: consent.csrf_token });
  const first = codeFromLocation(allowed.status === 302 ? allowed.location : undefined);
  if ('wrong' in first) throw new Error(`POST /ui/consent: expected 302 to ${REDIRECT_URI} with a code, got ${describe(allowed)}`);
  if (!jar.has('argus_browser') || !jar.has('argus_session')) throw new Error(`after the sign-in the jar holds ${jar.cookieHeader || 'no cookies'}: expected argus_browser and argus_session`);

  const fixture: BrowserFixture = {
    baseUrl,
    clientId: client.client_id,
    authorization: basic(client.client_id, client.client_secret),
    username,
    cookie: jar.cookieHeader,
    authorizePath,
    codeVerifier,
  };
  const tokens = await redeem(fixture, first.code);
  if (!tokens.refresh_token) throw new Error(`the first code redemption returned no refresh_token: ${JSON.stringify(tokens).slice(0, 300)}`);
  return fixture;
}

/** GET /oauth2/authorize with the session: must be a 302 straight to the client with a code. */
export async function authorizeOnce(fixture: BrowserFixture): Promise<string> {
  const response = await fetch(`${fixture.baseUrl}${fixture.authorizePath}`, { headers: { cookie: fixture.cookie }, redirect: 'manual' });
  const text = await response.text();
  const result = codeFromLocation(response.status === 302 ? (response.headers.get('location') ?? undefined) : undefined);
  if ('wrong' in result) throw new Error(`GET /oauth2/authorize with the session: HTTP ${response.status} ${response.headers.get('location') ?? ''} ${text.slice(0, 300)}`);
  return result.code;
}

export async function redeem(fixture: BrowserFixture, code: string): Promise<any> {
  const response = await fetch(`${fixture.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: fixture.authorization, 'content-type': FORM },
    body: codeTokenBody(fixture, code),
  });
  const tokens = await json(response, 'POST /oauth2/token (authorization_code)', 200);
  if (typeof tokens.access_token !== 'string' || typeof tokens.id_token !== 'string') throw new Error(`token response without access_token or id_token: ${JSON.stringify(tokens).slice(0, 300)}`);
  return tokens;
}

export async function refreshOnce(fixture: BrowserFixture, refreshToken: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${fixture.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: fixture.authorization, 'content-type': FORM },
    body: refreshTokenBody(refreshToken),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * `count` refresh tokens of `count` separate grants (one code flow each): one per connection,
 * since a refresh token is single-use and a family can only be followed by one client at a time.
 */
export async function freshRefreshTokens(fixture: BrowserFixture, count: number, concurrency = 8): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const issued = await redeem(fixture, await authorizeOnce(fixture));
      if (typeof issued.refresh_token !== 'string') throw new Error(`no refresh_token in ${JSON.stringify(issued).slice(0, 300)}`);
      tokens.push(issued.refresh_token);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return tokens;
}
