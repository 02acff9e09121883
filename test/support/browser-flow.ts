/**
 * A small cookie-jar HTTP "browser" for the authorization-code flow: it never follows redirects by
 * itself (redirect: 'manual'), so a test sees every hop, and it reads the server-rendered login,
 * consent and error pages by their stable names (API.md "Browser pages").
 */

export interface Hop {
  status: number;
  headers: Headers;
  /** The Location header resolved against the request URL, when there is one. */
  location?: string;
  html: string;
  /** The names of the cookies this response set (or cleared). */
  setCookies: string[];
  url: string;
}

/** What `signIn` ends with: the redirect to the client, or the page where the flow stopped. */
export interface FlowResult {
  /** The final redirect to the client's redirect_uri (absent when the flow ended on a page). */
  callback?: URL;
  params: Record<string, string>;
  /** Every hop, in order. */
  hops: Hop[];
  /** The requested scopes the consent page listed (when it was shown). */
  consentScopes?: string[];
  /** The last page shown (login, consent or error) when the flow did not reach the client. */
  last: Hop;
}

export interface SignInOptions {
  username?: string;
  password?: string;
  /** What to answer on the consent page, if it comes (default allow). */
  decision?: 'allow' | 'deny';
}

interface CookieEntry {
  value: string;
  attributes: string;
}

export class Browser {
  private readonly jar = new Map<string, CookieEntry>();

  /** `headers` go with every request (e.g. an X-Forwarded-For through a trusted proxy). */
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** A cookie's value, or undefined. */
  cookie(name: string): string | undefined {
    return this.jar.get(name)?.value;
  }

  /** The attributes (`HttpOnly; SameSite=Lax; ...`) the server last set the cookie with. */
  cookieAttributes(name: string): string | undefined {
    return this.jar.get(name)?.attributes;
  }

  /** A second browser that shares nothing with this one. */
  fresh(): Browser {
    return new Browser(this.baseUrl, this.headers);
  }

  async get(url: string): Promise<Hop> {
    return this.send(this.absolute(url), { method: 'GET' });
  }

  async post(url: string, form: Record<string, string> | string): Promise<Hop> {
    const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
    return this.send(this.absolute(url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  }

  /** GET /oauth2/authorize with these parameters (a string keeps repeated names as written). */
  authorize(params: Record<string, string> | string): Promise<Hop> {
    const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
    return this.get(`/oauth2/authorize?${query}`);
  }

  /** Whether a hop sends the browser to one of the IdP's own pages (login, consent). */
  isInternal(hop: Hop): boolean {
    return hop.location !== undefined && hop.location.startsWith(`${this.baseUrl}/ui/`);
  }

  /** Follows the IdP's own redirects (to its login and consent pages) and stops at anything else. */
  async followInternal(hop: Hop, hops: Hop[] = []): Promise<Hop> {
    let current = hop;
    for (let i = 0; i < 10 && this.isInternal(current); i += 1) {
      current = await this.get(current.location!);
      hops.push(current);
    }
    return current;
  }

  /** POSTs the login form of `page` with these credentials (override any field to forge one). */
  submitLogin(page: Hop, username: string, password: string, overrides: Record<string, string | undefined> = {}): Promise<Hop> {
    return this.post('/ui/login', withOverrides({ ...hiddenInputs(page.html), username, password }, overrides));
  }

  /** POSTs the consent form of `page` with a decision (override any field to forge one). */
  submitConsent(page: Hop, decision: 'allow' | 'deny', overrides: Record<string, string | undefined> = {}): Promise<Hop> {
    return this.post('/ui/consent', withOverrides({ ...hiddenInputs(page.html), decision }, overrides));
  }

  /**
   * Drives a whole authorization: the authorize request, the login page (when credentials are
   * given and it comes), the consent page (answered with `decision`), up to the redirect to the
   * client. Stops early on any page it cannot answer (error page, a login error, ...).
   */
  async signIn(authorize: Record<string, string> | string, options: SignInOptions = {}): Promise<FlowResult> {
    const hops: Hop[] = [];
    let consentScopes: string[] | undefined;
    const first = await this.authorize(authorize);
    hops.push(first);
    let current = await this.followInternal(first, hops);
    for (let step = 0; step < 4; step += 1) {
      const kind = pageKind(current);
      if (kind === 'login' && options.username !== undefined && !loginError(current.html)) {
        const submitted = await this.submitLogin(current, options.username, options.password ?? '');
        hops.push(submitted);
        current = await this.followInternal(submitted, hops);
      } else if (kind === 'consent') {
        consentScopes = scopeItems(current.html);
        const submitted = await this.submitConsent(current, options.decision ?? 'allow');
        hops.push(submitted);
        current = await this.followInternal(submitted, hops);
      } else {
        break;
      }
    }
    const callback = current.location && !this.isInternal(current) ? new URL(current.location) : undefined;
    return { callback, params: callback ? Object.fromEntries(callback.searchParams) : {}, hops, consentScopes, last: current };
  }

  private absolute(url: string): string {
    return url.startsWith('http') ? url : `${this.baseUrl}${url}`;
  }

  private async send(url: string, init: RequestInit): Promise<Hop> {
    const headers = new Headers({ ...this.headers, ...Object.fromEntries(new Headers(init.headers)) });
    const cookie = [...this.jar].map(([name, { value }]) => `${name}=${value}`).join('; ');
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    const html = await response.text();
    const setCookies: string[] = [];
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      setCookies.push(name);
      const expired = /max-age=0\b/i.test(line) || /expires=thu, 01 jan 1970/i.test(line) || value === '';
      if (expired) this.jar.delete(name);
      else this.jar.set(name, { value, attributes: attributes.map((a) => a.trim()).join('; ') });
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      headers: response.headers,
      location: location === null ? undefined : new URL(location, url).toString(),
      html,
      setCookies,
      url,
    };
  }
}

function withOverrides(form: Record<string, string>, overrides: Record<string, string | undefined>): Record<string, string> {
  const result = { ...form };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** HTML-unescapes the entities pages.ts writes. */
export function unescapeHtml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function attributes(tag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    result[match[1].toLowerCase()] = unescapeHtml(match[3] ?? match[4] ?? match[5] ?? '');
  }
  return result;
}

/** The hidden inputs of a page's form, by name (`req`, `csrf_token`). */
export function hiddenInputs(html: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    const attrs = attributes(tag);
    if (attrs.type === 'hidden' && attrs.name) result[attrs.name] = attrs.value ?? '';
  }
  return result;
}

/** The text content of every element carrying `data-testid=<id>`. */
export function byTestId(html: string, id: string): string[] {
  const pattern = new RegExp(`<([a-z0-9]+)\\b[^>]*data-testid=["']${id}["'][^>]*>([\\s\\S]*?)</\\1>`, 'gi');
  return [...html.matchAll(pattern)].map((m) => unescapeHtml(m[2].replace(/<[^>]*>/g, '')).trim());
}

export function scopeItems(html: string): string[] {
  return byTestId(html, 'scope-item');
}

export function errorCode(html: string): string | undefined {
  return byTestId(html, 'error-code')[0];
}

export function loginError(html: string): string | undefined {
  return byTestId(html, 'login-error')[0];
}

/** Which of the IdP's pages this is. */
export function pageKind(hop: Hop): 'login' | 'consent' | 'error' | 'other' {
  if (byTestId(hop.html, 'error-code').length > 0) return 'error';
  if (/<form[^>]*action="\/ui\/login"/.test(hop.html)) return 'login';
  if (/<form[^>]*action="\/ui\/consent"/.test(hop.html)) return 'consent';
  return 'other';
}

/** The parameters a form_post response page would post to the client. */
export function formPostParams(html: string): { action?: string; params: Record<string, string> } {
  const form = /<form\b[^>]*>/i.exec(html);
  return { action: form ? attributes(form[0]).action : undefined, params: hiddenInputs(html) };
}
