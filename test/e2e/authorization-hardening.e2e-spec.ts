import { startTopology, type Topology } from '@argus/testing';
import Database from 'better-sqlite3';
import { connect } from 'nats';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Browser, errorCode, hiddenInputs, pageKind } from '../support/browser-flow';
import { adminCall, adminToken, basic, createClient, introspect, postForm, type CreatedClient } from '../support/oauth-http';
import { TOPOLOGIES } from '../support/topologies';

const REDIRECT_URI = 'https://rp.example.com/cb';
const POST_LOGOUT_URI = 'https://rp.example.com/bye';

interface Tokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  error?: string;
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

describe.each(TOPOLOGIES)('authorization service hardening (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  let rp: CreatedClient;
  let otherRp: CreatedClient;

  beforeAll(async () => {
    topology = await startTopology(kind);
    admin = await adminToken(topology);
    const metadata = { redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [POST_LOGOUT_URI], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid offline_access', skip_consent: true };
    rp = await createClient(topology, admin, metadata);
    otherRp = await createClient(topology, admin, metadata);
  }, 180_000);

  afterAll(async () => {
    await topology?.stop();
  });

  async function newUser(username = `u-${randomBytes(4).toString('hex')}`): Promise<{ id: string; username: string; password: string }> {
    const user = { username, password: `pw-${randomBytes(8).toString('hex')}` };
    const created = await adminCall<{ id: string }>(topology, admin, 'POST', '/admin/users', user);
    expect(created.status).toBe(201);
    return { ...user, id: created.body.id };
  }

  const authorizeParams = (challenge: string, extra: Record<string, string> = {}) => ({
    response_type: 'code', client_id: rp.client_id, redirect_uri: REDIRECT_URI, scope: 'openid offline_access', state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  });

  function redeem(client: CreatedClient, code: string, verifier: string) {
    return postForm<Tokens>(`${topology.baseUrl}/oauth2/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, { authorization: basic(client.client_id, client.client_secret) });
  }

  /** A browser signed in as a new user, with that sign-in's tokens (ID, access, refresh). */
  async function signedIn(user?: { username: string; password: string }): Promise<{ browser: Browser; tokens: Tokens }> {
    const who = user ?? (await newUser());
    const browser = new Browser(topology.baseUrl);
    const { verifier, challenge } = pkce();
    const flow = await browser.signIn(authorizeParams(challenge), who);
    expect(flow.params.code).toBeTruthy();
    const tokens = await redeem(rp, flow.params.code, verifier);
    expect(tokens.status).toBe(200);
    return { browser, tokens: tokens.body };
  }

  /** Whether the browser's session is still alive: prompt=none still gets a code. */
  async function stillSignedIn(browser: Browser): Promise<boolean> {
    const hop = await browser.authorize(authorizeParams(pkce().challenge, { prompt: 'none' }));
    return new URL(hop.location!).searchParams.has('code');
  }

  describe('RP-initiated logout cannot be forced from another site', () => {
    it.each([
      ['an access token', (t: Tokens) => t.access_token],
      ['a refresh token', (t: Tokens) => t.refresh_token!],
    ])('%s as id_token_hint is refused (400 error page) and the session survives', async (_name, pick) => {
      const victim = await signedIn();
      const attacker = await signedIn();
      for (const hint of [pick(victim.tokens), pick(attacker.tokens)]) {
        const hop = await victim.browser.get(`/oauth2/logout?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: POST_LOGOUT_URI })}`);
        expect(hop.status).toBe(400);
        expect(errorCode(hop.html)).toBe('invalid_request');
      }
      expect(await stillSignedIn(victim.browser)).toBe(true);
    });

    it("the attacker's own ID token as id_token_hint only shows the confirmation page; the session survives", async () => {
      const victim = await signedIn();
      const attacker = await signedIn();
      const hop = await victim.browser.get(`/oauth2/logout?${new URLSearchParams({ id_token_hint: attacker.tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI })}`);
      expect(hop.status).toBe(200);
      expect(hop.location).toBeUndefined();
      expect(hop.html).toContain('data-testid="logout-confirm"');
      expect(await stillSignedIn(victim.browser)).toBe(true);
    });

    it('a cross-site POST confirmation without the CSRF token is refused; the session survives', async () => {
      const victim = await signedIn();
      const attacker = await signedIn();
      const forms: Record<string, string>[] = [{ confirm: 'yes' }, { confirm: 'yes', id_token_hint: attacker.tokens.id_token! }, { confirm: 'yes', csrf_token: 'forged' }];
      for (const form of forms) {
        const hop = await victim.browser.post('/oauth2/logout', form);
        expect(hop.status).toBe(400);
        expect(errorCode(hop.html)).toBe('invalid_request');
      }
      // Another browser's valid token does not count either: the token is bound to the browser.
      const attackerPage = await attacker.browser.get('/oauth2/logout');
      expect((await victim.browser.post('/oauth2/logout', hiddenInputs(attackerPage.html))).status).toBe(400);
      expect(await stillSignedIn(victim.browser)).toBe(true);
    });

    it("the user's own ID token ends the session at once; without a hint, the confirmation page's form ends it", async () => {
      const own = await signedIn();
      const hop = await own.browser.get(`/oauth2/logout?${new URLSearchParams({ id_token_hint: own.tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' })}`);
      expect(hop.status).toBe(302);
      expect(hop.location).toBe(`${POST_LOGOUT_URI}?state=bye`);
      expect(await stillSignedIn(own.browser)).toBe(false);

      const other = await signedIn();
      const ask = await other.browser.get('/oauth2/logout');
      expect(ask.html).toContain('data-testid="logout-confirm"');
      expect(await stillSignedIn(other.browser)).toBe(true);
      const confirmed = await other.browser.post('/oauth2/logout', hiddenInputs(ask.html));
      expect(confirmed.status).toBe(200);
      expect(pageKind(confirmed)).toBe('other');
      expect(await stillSignedIn(other.browser)).toBe(false);
    });
  });

  describe('authorization code redemption', () => {
    async function codeWithVerifier(): Promise<{ code: string; verifier: string }> {
      const { browser } = await signedIn();
      const { verifier, challenge } = pkce();
      const hop = await browser.authorize(authorizeParams(challenge));
      return { code: new URL(hop.location!).searchParams.get('code')!, verifier };
    }

    it("another client's or a wrong verifier's attempt does not burn the code: the rightful redemption still works, nothing revoked", async () => {
      const { code, verifier } = await codeWithVerifier();
      const stolen = await redeem(otherRp, code, verifier);
      expect([stolen.status, stolen.body.error]).toEqual([400, 'invalid_grant']);
      const guessed = await redeem(rp, code, pkce().verifier);
      expect([guessed.status, guessed.body.error]).toEqual([400, 'invalid_grant']);

      const rightful = await redeem(rp, code, verifier);
      expect(rightful.status).toBe(200);
      // Not revoked behind the client's back (a replay alarm would denylist the grant).
      expect((await introspect(topology, rp.client_id, rp.client_secret, rightful.body.access_token)).active).toBe(true);
      const refreshed = await postForm(`${topology.baseUrl}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: rightful.body.refresh_token! }, { authorization: basic(rp.client_id, rp.client_secret) });
      expect(refreshed.status).toBe(200);
      if (topology.nats) {
        const nats = await connect({ servers: topology.nats.url });
        try {
          const manager = await nats.jetstreamManager();
          const replays = await manager.streams.getMessage(topology.nats.stream, { last_by_subj: `${topology.nats.subjectPrefix}.events.token.code_replayed` }).catch(() => null);
          expect(replays).toBeNull();
        } finally {
          await nats.close();
        }
      }
      // A real second redemption is still a replay.
      expect((await redeem(rp, code, verifier)).body.error).toBe('invalid_grant');
    });
  });

  describe('authorization request parameters are bounded', () => {
    it.each(['nonce', 'login_hint', 'ui_locales', 'acr_values', 'claims', 'scope'])('an over-long %s is invalid_request naming it, redirected with state', async (name) => {
      const hop = await new Browser(topology.baseUrl).authorize(authorizeParams(pkce().challenge, { [name]: 'x'.repeat(10_000) }));
      expect(hop.status).toBe(302);
      const params = new URL(hop.location!).searchParams;
      expect(params.get('error')).toBe('invalid_request');
      expect(params.get('error_description')).toMatch(new RegExp(`^${name} is longer than \\d+ characters$`));
      expect(params.get('state')).toBe('st');
    });

    it('an over-long state is refused without being echoed; an over-long redirect_uri gets the error page', async () => {
      const browser = new Browser(topology.baseUrl);
      const hop = await browser.authorize(authorizeParams(pkce().challenge, { state: 's'.repeat(10_000) }));
      const params = new URL(hop.location!).searchParams;
      expect([params.get('error'), params.get('error_description'), params.get('state')]).toEqual(['invalid_request', 'state is longer than 512 characters', null]);
      const page = await browser.authorize(authorizeParams(pkce().challenge, { redirect_uri: `${REDIRECT_URI}?${'x'.repeat(5000)}` }));
      expect(page.status).toBe(400);
      expect(errorCode(page.html)).toBe('invalid_request');
    });

    it('a pending sign-in request with every parameter at its bound is stored in under 4 KB', async () => {
      const hint = randomBytes(6).toString('hex');
      const hop = await new Browser(topology.baseUrl).authorize(authorizeParams(pkce().challenge, { state: 's'.repeat(512), nonce: 'n'.repeat(256), login_hint: `${hint}${'h'.repeat(244)}`, ui_locales: 'u'.repeat(256), claims: 'c'.repeat(2048) }));
      expect(hop.location).toContain('/ui/login');
      const size = await storedRequestSize(topology, hint);
      expect(size).toBeGreaterThan(512 + 256 + 256);
      expect(size).toBeLessThan(4096);
    });
  });

  describe('users', () => {
    it('four concurrent creations of one username: one 201, three 409, and no password hash in any log', async () => {
      const body = { username: `race-${randomBytes(4).toString('hex')}`, password: 'race-password-123' };
      const results = await Promise.all(Array.from({ length: 4 }, () => adminCall(topology, admin, 'POST', '/admin/users', body)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      for (const loser of results.filter((r) => r.status === 409)) expect(loser.body.error).toBe('invalid_request');
      for (const file of readdirSync(topology.logDir).filter((f) => f.endsWith('.log'))) {
        expect([file, readFileSync(join(topology.logDir, file), 'utf8').includes('$argon2')]).toEqual([file, false]);
      }
    });

    it('usernames are unique and signed in case-insensitively', async () => {
      const user = await newUser(`CaseUser-${randomBytes(3).toString('hex')}`);
      const twin = await adminCall(topology, admin, 'POST', '/admin/users', { username: user.username.toLowerCase(), password: 'another-password' });
      expect(twin.status).toBe(409);
      expect(twin.body.error_description).toMatch(/is taken/);
      // The admin filter is exact and case-insensitive (API.md).
      const found = await adminCall<{ items: { id: string; username: string }[] }>(topology, admin, 'GET', `/admin/users?username=${user.username.toLowerCase()}`);
      expect(found.body.items).toEqual([expect.objectContaining({ id: user.id, username: user.username })]);
      const prefix = await adminCall<{ items: unknown[] }>(topology, admin, 'GET', `/admin/users?username=${user.username.slice(0, -1)}`);
      expect(prefix.body.items).toEqual([]);
      const other = await newUser();
      const renamed = await adminCall(topology, admin, 'PATCH', `/admin/users/${other.id}`, { username: user.username.toUpperCase() });
      expect(renamed.status).toBe(409);
      // Changing only the case of one's own name is allowed.
      const recased = await adminCall<{ username: string }>(topology, admin, 'PATCH', `/admin/users/${other.id}`, { username: other.username.toUpperCase() });
      expect([recased.status, recased.body.username]).toEqual([200, other.username.toUpperCase()]);
      const { browser } = await signedIn({ username: user.username.toUpperCase(), password: user.password });
      expect(await stillSignedIn(browser)).toBe(true);
    });
  });
});

/** The stored size of the pending request whose login_hint starts with `marker`. */
async function storedRequestSize(topology: Topology, marker: string): Promise<number> {
  const sql = 'SELECT request FROM authorization_request';
  let rows: { request: string }[];
  if (topology.databaseUrl.startsWith('sqlite:')) {
    const db = new Database(topology.databaseUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      rows = db.prepare(sql).all() as { request: string }[];
    } finally {
      db.close();
    }
  } else {
    const pg = new Client({ connectionString: topology.databaseUrl });
    await pg.connect();
    try {
      rows = (await pg.query<{ request: string }>(`SELECT request FROM "authorization".authorization_request`)).rows;
    } finally {
      await pg.end();
    }
  }
  const row = rows.find((r) => r.request.includes(marker));
  if (!row) throw new Error('the pending request was not stored');
  return Buffer.byteLength(row.request);
}
