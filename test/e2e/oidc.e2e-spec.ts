import { startTopology, type Topology } from '@argus/testing';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { generators, Issuer, type BaseClient } from 'openid-client';
import { Browser, errorCode, hiddenInputs, pageKind } from '../support/browser-flow';
import {
  adminCall,
  adminToken,
  basic,
  clientCredentialsToken,
  createClient,
  introspect,
  postForm,
  request,
  type CreatedClient,
  type TokenBody,
} from '../support/oauth-http';
import { eventually } from '../support/eventually';
import { TOPOLOGIES } from '../support/topologies';

const REDIRECT_URI = 'https://rp.example.com/callback';
const POST_LOGOUT_URI = 'https://rp.example.com/signed-out';
const RP_SCOPES = 'openid profile email roles groups groupstring customer offline_access api:read';
const ALICE = {
  username: 'alice',
  password: 'correct horse battery staple',
  email: 'alice@acme.example',
  email_verified: true,
  name: 'Alice Liddell',
  given_name: 'Alice',
  family_name: 'Liddell',
  roles: ['billing-admin', 'viewer'],
  groups: ['ops', 'finance'],
  customer_id: 'acme-42',
  customer_name: 'Acme Corp',
  domain: 'acme.example',
};

interface FullTokenBody extends TokenBody {
  id_token?: string;
  refresh_token?: string;
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

describe.each(TOPOLOGIES)('OpenID Connect authorization-code flow (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  let rp: CreatedClient;
  let otherRp: CreatedClient;
  let service: CreatedClient;
  let aliceId: string;
  /** Alice's browser: signed in, consent given to `rp` for every scope of RP_SCOPES. */
  let browser: Browser;

  const tokenUrl = () => `${topology.baseUrl}/oauth2/token`;
  const isActive = async (token: string) => (await introspect(topology, service.client_id, service.client_secret, token)).active === true;
  const becomesInactive = (token: string) => eventually(() => isActive(token), (active) => !active);

  /** An authorization code for `client`, from a browser that needs no login or consent page. */
  async function codeFor(client: CreatedClient, options: { scope?: string; challenge?: string; redirectUri?: string; nonce?: string; from?: Browser } = {}): Promise<string> {
    const state = randomBytes(8).toString('hex');
    const hop = await (options.from ?? browser).authorize({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: options.redirectUri ?? REDIRECT_URI,
      scope: options.scope ?? RP_SCOPES,
      state,
      ...(options.challenge ? { code_challenge: options.challenge, code_challenge_method: 'S256' } : {}),
      ...(options.nonce ? { nonce: options.nonce } : {}),
    });
    expect(hop.status).toBe(302);
    const location = new URL(hop.location!);
    expect(`${location.origin}${location.pathname}`).toBe(options.redirectUri ?? REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(topology.baseUrl);
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`no code: ${hop.location}`);
    return code;
  }

  function redeem(client: CreatedClient, form: Record<string, string>) {
    return postForm<FullTokenBody>(tokenUrl(), { grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, ...form }, { authorization: basic(client.client_id, client.client_secret) });
  }

  function refresh(client: CreatedClient, refreshToken: string, scope?: string) {
    return postForm<FullTokenBody>(tokenUrl(), { grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope ? { scope } : {}) }, { authorization: basic(client.client_id, client.client_secret) });
  }

  /** Code → tokens for `rp` with PKCE, asserting success. */
  async function tokensFor(scope = RP_SCOPES): Promise<FullTokenBody> {
    const { verifier, challenge } = pkce();
    const code = await codeFor(rp, { scope, challenge });
    const result = await redeem(rp, { code, code_verifier: verifier });
    if (result.status !== 200) throw new Error(`code redemption failed: ${result.status} ${result.text}`);
    return result.body;
  }

  function expectOAuthError(result: { status: number; body: FullTokenBody; headers: Headers }, status: number, error: string, description?: RegExp) {
    expect({ status: result.status, error: result.body.error }).toEqual({ status, error });
    expect(typeof result.body.error_description).toBe('string');
    if (description) expect(result.body.error_description).toMatch(description);
    expect(result.body.access_token).toBeUndefined();
    expect(result.body.refresh_token).toBeUndefined();
    expect(result.body.id_token).toBeUndefined();
    expect(result.headers.get('cache-control')).toBe('no-store');
  }

  beforeAll(async () => {
    topology = await startTopology(kind);
    admin = await adminToken(topology);
    const user = await adminCall<{ id: string }>(topology, admin, 'POST', '/admin/users', ALICE);
    if (user.status !== 201) throw new Error(`user creation failed: ${user.status} ${user.text}`);
    aliceId = user.body.id;
    const rpMetadata = {
      client_name: 'Relying Party',
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: [POST_LOGOUT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: RP_SCOPES,
    };
    rp = await createClient(topology, admin, rpMetadata);
    otherRp = await createClient(topology, admin, { ...rpMetadata, client_name: 'Another Relying Party' });
    // A resource server: argus:introspect lets it introspect the RP's tokens (RFC 7662 §4, introspection-policy.ts).
    service = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'api:read argus:introspect' });

    browser = new Browser(topology.baseUrl);
    const first = await browser.signIn(
      { response_type: 'code', client_id: rp.client_id, redirect_uri: REDIRECT_URI, scope: RP_SCOPES, state: 'setup', code_challenge: pkce().challenge, code_challenge_method: 'S256' },
      { username: ALICE.username, password: ALICE.password },
    );
    if (!first.params.code) throw new Error(`sign-in failed: ${first.last.status} ${first.last.location ?? first.last.html}`);
    expect(first.consentScopes).toEqual(RP_SCOPES.split(' '));
  });

  afterAll(async () => {
    await topology?.stop();
  });

  describe('discovery', () => {
    it('lists the browser endpoints, S256 only, RFC 9207 iss; every listed endpoint answers', async () => {
      const { status, body } = await request(`${topology.baseUrl}/.well-known/openid-configuration`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        issuer: topology.baseUrl,
        authorization_endpoint: `${topology.baseUrl}/oauth2/authorize`,
        userinfo_endpoint: `${topology.baseUrl}/oauth2/userinfo`,
        end_session_endpoint: `${topology.baseUrl}/oauth2/logout`,
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        response_types_supported: ['code'],
      });
      expect(body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'roles', 'groups', 'groupstring', 'customer', 'offline_access']));
      for (const key of Object.keys(body).filter((k) => k.endsWith('_endpoint') || k === 'jwks_uri')) {
        for (const method of key === 'jwks_uri' ? ['GET'] : ['GET', 'POST']) {
          if (method === 'GET' && ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint'].includes(key)) continue;
          const probe = await fetch(body[key] as string, { method, redirect: 'manual' });
          expect([key, method, probe.status]).not.toEqual([key, method, 404]);
          expect(probe.status).toBeLessThan(500);
        }
      }
    });
  });

  describe('openid-client as the relying party', () => {
    let issuer: Issuer<BaseClient>;
    let client: BaseClient;

    beforeAll(async () => {
      issuer = await Issuer.discover(topology.baseUrl);
      client = new issuer.Client({ client_id: rp.client_id, client_secret: rp.client_secret, redirect_uris: [REDIRECT_URI], response_types: ['code'] });
    });

    it('signs in with PKCE, state and nonce; validates the ID token; reads userinfo; refreshes', async () => {
      const codeVerifier = generators.codeVerifier();
      const state = generators.state();
      const nonce = generators.nonce();
      const url = client.authorizationUrl({
        scope: RP_SCOPES,
        code_challenge: generators.codeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const rpBrowser = new Browser(topology.baseUrl);
      const flow = await rpBrowser.signIn(new URL(url).searchParams.toString(), { username: ALICE.username, password: ALICE.password });
      expect(flow.callback).toBeDefined();
      expect(flow.params.iss).toBe(topology.baseUrl);
      expect(flow.params.state).toBe(state);
      // Alice consented to this client already (in another browser): no consent page this time.
      expect(flow.consentScopes).toBeUndefined();

      // The library checks state, iss (RFC 9207), the ID token's signature (JWKS), iss, aud, exp, nonce and at_hash.
      const params = client.callbackParams(flow.callback!.toString());
      const tokenSet = await client.callback(REDIRECT_URI, params, { code_verifier: codeVerifier, state, nonce });
      expect(tokenSet.token_type?.toLowerCase()).toBe('bearer');
      expect(tokenSet.scope?.split(' ').sort()).toEqual(RP_SCOPES.split(' ').sort());
      expect(tokenSet.refresh_token).toBeDefined();

      const claims = tokenSet.claims();
      expect(claims).toMatchObject({
        iss: topology.baseUrl,
        sub: aliceId,
        aud: rp.client_id,
        nonce,
        name: ALICE.name,
        preferred_username: ALICE.username,
        email: ALICE.email,
        email_verified: true,
        roles: ALICE.roles,
        groups: ALICE.groups,
        groupstring: JSON.stringify(ALICE.groups),
        customer_id: ALICE.customer_id,
        customer_name: ALICE.customer_name,
        domain: ALICE.domain,
        amr: ['pwd'],
      });
      expect(typeof claims.at_hash).toBe('string');
      expect(typeof claims.sid).toBe('string');
      expect(claims.auth_time).toBeLessThanOrEqual(claims.iat);
      expect(decodeProtectedHeader(tokenSet.id_token!).alg).toBe('RS256');

      // The access token: RFC 9068, verifiable offline.
      const jwks = createRemoteJWKSet(new URL(issuer.metadata.jwks_uri!));
      const { payload } = await jwtVerify(tokenSet.access_token!, jwks, { issuer: topology.baseUrl, typ: 'at+jwt' });
      expect(payload).toMatchObject({ sub: aliceId, client_id: rp.client_id });
      expect(typeof payload.grant_id).toBe('string');

      const userinfo = await client.userinfo(tokenSet);
      expect(userinfo).toEqual({
        sub: aliceId,
        name: ALICE.name,
        given_name: ALICE.given_name,
        family_name: ALICE.family_name,
        preferred_username: ALICE.username,
        updated_at: expect.any(Number),
        email: ALICE.email,
        email_verified: true,
        roles: ALICE.roles,
        groups: ALICE.groups,
        groupstring: JSON.stringify(ALICE.groups),
        customer_id: ALICE.customer_id,
        customer_name: ALICE.customer_name,
        domain: ALICE.domain,
      });

      const refreshed = await client.refresh(tokenSet.refresh_token!);
      expect(refreshed.access_token).toBeDefined();
      expect(refreshed.access_token).not.toBe(tokenSet.access_token);
      expect(refreshed.refresh_token).toBeDefined();
      expect(refreshed.refresh_token).not.toBe(tokenSet.refresh_token);
      expect(refreshed.scope?.split(' ').sort()).toEqual(RP_SCOPES.split(' ').sort());
      expect((await client.userinfo(refreshed.access_token!)).sub).toBe(aliceId);
      expect(decodeJwt(refreshed.access_token!).grant_id).toBe(payload.grant_id);
    });

    it('sets the session cookie HttpOnly and SameSite=Lax, not Secure on an http issuer', async () => {
      const attributes = browser.cookieAttributes('argus_session')!;
      expect(attributes).toMatch(/HttpOnly/i);
      expect(attributes).toMatch(/SameSite=Lax/i);
      expect(attributes).not.toMatch(/Secure/i);
      expect(browser.cookieAttributes('argus_browser')).toMatch(/HttpOnly/i);
    });

    it('rejects an ID token for a nonce it was not issued with (the library check works)', async () => {
      const codeVerifier = generators.codeVerifier();
      const code = await codeFor(rp, { challenge: generators.codeChallenge(codeVerifier), nonce: 'the-real-nonce' });
      await expect(
        client.callback(REDIRECT_URI, { code, state: 's', iss: topology.baseUrl }, { code_verifier: codeVerifier, state: 's', nonce: 'another-nonce' }),
      ).rejects.toThrow(/nonce mismatch/);
    });
  });

  describe('token endpoint attacks', () => {
    it('a replayed code is refused and revokes everything issued from it (RFC 6749 §4.1.2)', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor(rp, { challenge });
      const first = await redeem(rp, { code, code_verifier: verifier });
      expect(first.status).toBe(200);
      expect(first.body.refresh_token).toBeDefined();
      expect(await isActive(first.body.access_token)).toBe(true);

      const second = await redeem(rp, { code, code_verifier: verifier });
      expectOAuthError(second, 400, 'invalid_grant', /already been used/);
      expect(await becomesInactive(first.body.access_token)).toBe(false);
      const refreshed = await eventually(() => refresh(rp, first.body.refresh_token!), (r) => r.status !== 200);
      expectOAuthError(refreshed, 400, 'invalid_grant');
    });

    it('a reused (rotated) refresh token revokes the family: the newest refresh token and the access tokens', async () => {
      const initial = await tokensFor();
      const rotated = await refresh(rp, initial.refresh_token!);
      expect(rotated.status).toBe(200);
      const newest = await refresh(rp, rotated.body.refresh_token!);
      expect(newest.status).toBe(200);
      for (const token of [initial.access_token, rotated.body.access_token, newest.body.access_token]) expect(await isActive(token)).toBe(true);

      const reuse = await refresh(rp, initial.refresh_token!);
      expectOAuthError(reuse, 400, 'invalid_grant', /already used/);
      expectOAuthError(await refresh(rp, newest.body.refresh_token!), 400, 'invalid_grant');
      for (const token of [initial.access_token, rotated.body.access_token, newest.body.access_token]) expect(await becomesInactive(token)).toBe(false);
    });

    it('a rotated refresh token used again at once is refused too', async () => {
      const initial = await tokensFor();
      expect((await refresh(rp, initial.refresh_token!)).status).toBe(200);
      expectOAuthError(await refresh(rp, initial.refresh_token!), 400, 'invalid_grant');
    });

    it('two concurrent refreshes with one token: exactly one succeeds, and the race counts as reuse', async () => {
      const initial = await tokensFor();
      const results = await Promise.all([refresh(rp, initial.refresh_token!), refresh(rp, initial.refresh_token!)]);
      const winners = results.filter((r) => r.status === 200);
      const losers = results.filter((r) => r.status !== 200);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expectOAuthError(losers[0], 400, 'invalid_grant');
      // DESIGN.md: any second use of a rotated token revokes the family, the winner's new token included.
      expectOAuthError(await refresh(rp, winners[0].body.refresh_token!), 400, 'invalid_grant');
    });

    it('five concurrent refreshes with one token: exactly one succeeds', async () => {
      const initial = await tokensFor();
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(rp, initial.refresh_token!)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
      for (const loser of results.filter((r) => r.status !== 200)) expect(loser.body.error).toBe('invalid_grant');
    });

    it('the scope may only narrow on refresh (RFC 6749 §6)', async () => {
      const initial = await tokensFor('openid profile email offline_access api:read');
      const wider = await refresh(rp, initial.refresh_token!, 'openid profile email offline_access api:read roles');
      expectOAuthError(wider, 400, 'invalid_scope', /roles/);

      const second = await tokensFor('openid profile email offline_access api:read');
      const narrower = await refresh(rp, second.refresh_token!, 'openid email');
      expect(narrower.status).toBe(200);
      expect(narrower.body.scope).toBe('openid email');
      expect((await introspect(topology, service.client_id, service.client_secret, narrower.body.access_token)).scope).toBe('openid email');
      const userinfo = await request(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${narrower.body.access_token}` } });
      expect(userinfo.body).toEqual({ sub: aliceId, email: ALICE.email, email_verified: true });
      // The narrowing holds for that access token only: the grant keeps its scope.
      const again = await refresh(rp, narrower.body.refresh_token!);
      expect(again.status).toBe(200);
      expect(again.body.scope).toBe('openid profile email offline_access api:read');
    });

    type VerifierCase = [string, (verifier: string) => Record<string, string>];
    const verifierCases: VerifierCase[] = [
      ['a wrong code_verifier', () => ({ code_verifier: pkce().verifier })],
      ['no code_verifier', () => ({})],
      ['a code_verifier too short for RFC 7636', (verifier) => ({ code_verifier: verifier.slice(0, 20) })],
      ['the code_challenge sent as the verifier', (verifier) => ({ code_verifier: createHash('sha256').update(verifier).digest('base64url') })],
    ];
    it.each(verifierCases)('%s is invalid_grant and issues nothing', async (_name, form) => {
      const { verifier, challenge } = pkce();
      const code = await codeFor(rp, { challenge });
      expectOAuthError(await redeem(rp, { code, ...form(verifier) }), 400, 'invalid_grant', /code_verifier/);
    });

    it('a code_verifier for a request made without PKCE is invalid_grant (downgrade, RFC 9700 §2.1.1)', async () => {
      const code = await codeFor(rp);
      expectOAuthError(await redeem(rp, { code, code_verifier: pkce().verifier }), 400, 'invalid_grant');
    });

    type RedirectCase = [string, Record<string, string>];
    const redirectCases: RedirectCase[] = [
      ['another redirect_uri', { redirect_uri: 'https://rp.example.com/other' }],
      ['a near-miss redirect_uri', { redirect_uri: `${REDIRECT_URI}/` }],
      ['no redirect_uri although the request had one', { redirect_uri: '' }],
    ];
    it.each(redirectCases)('%s at the token endpoint is invalid_grant', async (_name, form) => {
      const { verifier, challenge } = pkce();
      const code = await codeFor(rp, { challenge });
      const body: Record<string, string> = { grant_type: 'authorization_code', code, code_verifier: verifier, ...form };
      if (body.redirect_uri === '') delete body.redirect_uri;
      const result = await postForm<FullTokenBody>(tokenUrl(), body, { authorization: basic(rp.client_id, rp.client_secret) });
      expectOAuthError(result, 400, 'invalid_grant', /redirect_uri/);
    });

    it('a code issued to another client is invalid_grant', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor(rp, { challenge });
      expectOAuthError(await redeem(otherRp, { code, code_verifier: verifier }), 400, 'invalid_grant', /another client/);
    });

    it('a garbage code is invalid_grant', async () => {
      expectOAuthError(await redeem(rp, { code: randomBytes(32).toString('base64url'), code_verifier: pkce().verifier }), 400, 'invalid_grant');
    });

    it('a refresh token of another client is invalid_grant', async () => {
      const { refresh_token } = await tokensFor();
      expectOAuthError(await refresh(otherRp, refresh_token!), 400, 'invalid_grant', /another client/);
      // …and it did not burn the token for its owner.
      expect((await refresh(rp, refresh_token!)).status).toBe(200);
    });

    it('no refresh token without offline_access', async () => {
      const body = await tokensFor('openid profile');
      expect(body.refresh_token).toBeUndefined();
      expect(body.id_token).toBeDefined();
    });

    it('a refresh token revoked at /oauth2/revoke is refused, and its grant\'s access tokens are inactive', async () => {
      const body = await tokensFor();
      const revoked = await postForm(`${topology.baseUrl}/oauth2/revoke`, { token: body.refresh_token!, token_type_hint: 'refresh_token' }, { authorization: basic(rp.client_id, rp.client_secret) });
      expect(revoked.status).toBe(200);
      expectOAuthError(await refresh(rp, body.refresh_token!), 400, 'invalid_grant');
      expect(await becomesInactive(body.access_token)).toBe(false);
    });

    it('another client cannot revoke the refresh token', async () => {
      const body = await tokensFor();
      const revoked = await postForm(`${topology.baseUrl}/oauth2/revoke`, { token: body.refresh_token! }, { authorization: basic(otherRp.client_id, otherRp.client_secret) });
      expect(revoked.status).toBe(400);
      expect(revoked.body.error).toBe('unauthorized_client');
      expect((await refresh(rp, body.refresh_token!)).status).toBe(200);
    });
  });

  describe('a public client (token_endpoint_auth_method none)', () => {
    const SPA_REDIRECT = 'https://spa.example.com/callback';
    let spa: CreatedClient;

    beforeAll(async () => {
      spa = await createClient(topology, admin, { client_name: 'SPA', redirect_uris: [SPA_REDIRECT], scope: 'openid email', token_endpoint_auth_method: 'none' });
    });

    async function spaCode(challenge: string): Promise<string> {
      const flow = await browser.signIn({ response_type: 'code', client_id: spa.client_id, redirect_uri: SPA_REDIRECT, scope: 'openid email', state: 'spa', code_challenge: challenge, code_challenge_method: 'S256' });
      expect(flow.params).toMatchObject({ state: 'spa', iss: topology.baseUrl });
      return flow.params.code;
    }
    const spaRedeem = (form: Record<string, string>) =>
      postForm<FullTokenBody>(tokenUrl(), { grant_type: 'authorization_code', client_id: spa.client_id, redirect_uri: SPA_REDIRECT, ...form });

    it('redeems its code with client_id and code_verifier, no secret', async () => {
      const { verifier, challenge } = pkce();
      const result = await spaRedeem({ code: await spaCode(challenge), code_verifier: verifier });
      expect(result.status).toBe(200);
      expect(result.body.scope).toBe('openid email');
      expect(decodeJwt(result.body.id_token!)).toMatchObject({ aud: spa.client_id, sub: aliceId, email: ALICE.email });
      expect(result.body.refresh_token).toBeUndefined();
    });

    it('without the code_verifier: invalid_grant', async () => {
      const { challenge } = pkce();
      expectOAuthError(await spaRedeem({ code: await spaCode(challenge) }), 400, 'invalid_grant', /code_verifier/);
    });
  });

  describe('userinfo', () => {
    type ClaimsCase = [string, Record<string, unknown>];
    const claimCases: ClaimsCase[] = [
      ['openid', {}],
      ['openid profile', { name: ALICE.name, given_name: ALICE.given_name, family_name: ALICE.family_name, preferred_username: ALICE.username, updated_at: expect.any(Number) }],
      ['openid email', { email: ALICE.email, email_verified: true }],
      ['openid roles', { roles: ALICE.roles }],
      ['openid groups', { groups: ALICE.groups }],
      ['openid groupstring', { groupstring: JSON.stringify(ALICE.groups) }],
      ['openid customer', { customer_id: ALICE.customer_id, customer_name: ALICE.customer_name, domain: ALICE.domain }],
      // phone is not registered for the client: dropped from the grant, no claim.
      ['openid email phone', { email: ALICE.email, email_verified: true }],
    ];

    it.each(claimCases)('scope "%s" releases exactly its claims', async (scope, expected) => {
      const body = await tokensFor(scope);
      expect(body.scope).toBe(scope.split(' ').filter((s) => s !== 'phone').join(' '));
      const result = await request(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(result.status).toBe(200);
      expect(result.headers.get('cache-control')).toBe('no-store');
      expect(result.body).toEqual({ sub: aliceId, ...expected });
      // The ID token carries the same claims.
      const idClaims = decodeJwt(body.id_token!);
      expect(idClaims).toMatchObject({ sub: aliceId, ...expected });
      for (const claim of ['name', 'email', 'roles', 'groups', 'groupstring', 'customer_id', 'phone_number'].filter((c) => !(c in expected))) {
        expect(idClaims).not.toHaveProperty(claim);
      }
    });

    it('groupstring is one JSON string of the groups array', async () => {
      const body = await tokensFor('openid groups groupstring');
      const result = await request<{ groups: string[]; groupstring: string }>(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(Array.isArray(result.body.groups)).toBe(true);
      expect(typeof result.body.groupstring).toBe('string');
      expect(JSON.parse(result.body.groupstring)).toEqual(result.body.groups);
    });

    it('answers POST with the token in the body (RFC 6750 §2.2)', async () => {
      const body = await tokensFor('openid email');
      const result = await postForm(`${topology.baseUrl}/oauth2/userinfo`, { access_token: body.access_token });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ sub: aliceId, email: ALICE.email, email_verified: true });
    });

    it('refuses a client_credentials token (no openid) with 403 insufficient_scope', async () => {
      const token = await clientCredentialsToken(topology, service.client_id, service.client_secret, 'api:read');
      const result = await request(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } });
      expect(result.status).toBe(403);
      expect(result.body.error).toBe('insufficient_scope');
    });

    it('refuses a request without a token: 401 with WWW-Authenticate Bearer', async () => {
      const result = await request(`${topology.baseUrl}/oauth2/userinfo`);
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(result.body.error).toBe('invalid_token');
    });

    it('refuses a garbage or revoked token: 401 invalid_token', async () => {
      const garbage = await request(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: 'Bearer not.a.token' } });
      expect(garbage.status).toBe(401);
      expect(garbage.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      const body = await tokensFor('openid');
      await postForm(`${topology.baseUrl}/oauth2/revoke`, { token: body.access_token }, { authorization: basic(rp.client_id, rp.client_secret) });
      const revoked = await request(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error).toBe('invalid_token');
    });
  });

  describe('RP-initiated logout', () => {
    async function signedInBrowser(): Promise<{ browser: Browser; idToken: string }> {
      const own = new Browser(topology.baseUrl);
      const { verifier, challenge } = pkce();
      const flow = await own.signIn(
        { response_type: 'code', client_id: rp.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', state: 'x', code_challenge: challenge, code_challenge_method: 'S256' },
        { username: ALICE.username, password: ALICE.password },
      );
      const tokens = await redeem(rp, { code: flow.params.code, code_verifier: verifier });
      expect(tokens.status).toBe(200);
      return { browser: own, idToken: tokens.body.id_token! };
    }

    const promptNone = (b: Browser) =>
      b.authorize({ response_type: 'code', client_id: rp.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', state: 'silent', prompt: 'none' });

    it('with id_token_hint and a registered post_logout_redirect_uri: 302 there with state, and the session ends', async () => {
      const { browser: own, idToken } = await signedInBrowser();
      expect(new URL((await promptNone(own)).location!).searchParams.get('code')).toBeTruthy();

      const hop = await own.get(`/oauth2/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye-123' })}`);
      expect(hop.status).toBe(302);
      const location = new URL(hop.location!);
      expect(`${location.origin}${location.pathname}`).toBe(POST_LOGOUT_URI);
      expect(location.searchParams.get('state')).toBe('bye-123');
      expect(own.cookie('argus_session')).toBeUndefined();

      const silent = new URL((await promptNone(own)).location!);
      expect(silent.searchParams.get('error')).toBe('login_required');
      expect(silent.searchParams.get('state')).toBe('silent');
      expect(silent.searchParams.get('iss')).toBe(topology.baseUrl);
    });

    it('the session ends on the server, not only in the cookie jar', async () => {
      const { browser: own, idToken } = await signedInBrowser();
      const stolenCookie = own.cookie('argus_session')!;
      await own.post('/oauth2/logout', { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT_URI });
      const replay = await fetch(
        `${topology.baseUrl}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: rp.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', prompt: 'none' })}`,
        { redirect: 'manual', headers: { cookie: `argus_session=${stolenCookie}` } },
      );
      expect(new URL(replay.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    });

    type BadLogout = [string, (idToken: string) => Record<string, string>];
    const badLogouts: BadLogout[] = [
      ['an unregistered post_logout_redirect_uri', (idToken) => ({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example.com/bye' })],
      ['a near-miss post_logout_redirect_uri', (idToken) => ({ id_token_hint: idToken, post_logout_redirect_uri: `${POST_LOGOUT_URI}/x` })],
      ['a forged id_token_hint', (idToken) => ({ id_token_hint: `${idToken.slice(0, -4)}AAAA`, post_logout_redirect_uri: POST_LOGOUT_URI })],
    ];
    it('without id_token_hint: a confirmation page first; confirming with an unknown client\'s post_logout_redirect_uri is a 400 error page', async () => {
      const { browser: own } = await signedInBrowser();
      const ask = await own.get(`/oauth2/logout?${new URLSearchParams({ post_logout_redirect_uri: POST_LOGOUT_URI })}`);
      expect(ask.status).toBe(200);
      expect(ask.location).toBeUndefined();
      expect(ask.html).toContain('data-testid="logout-confirm"');
      // Nothing ended yet: a cross-site link cannot sign the user out.
      expect(new URL((await promptNone(own)).location!).searchParams.get('code')).toBeTruthy();
      // The page's own form (with its CSRF token), confirming a redirect no client registered.
      const confirmed = await own.post('/oauth2/logout', hiddenInputs(ask.html));
      expect(confirmed.status).toBe(400);
      expect(confirmed.location).toBeUndefined();
      expect(errorCode(confirmed.html)).toBe('invalid_request');
    });

    it.each(badLogouts)('%s: 400 error page, no redirect, the session stays', async (_name, params) => {
      const { browser: own, idToken } = await signedInBrowser();
      const hop = await own.get(`/oauth2/logout?${new URLSearchParams(params(idToken))}`);
      expect(hop.status).toBe(400);
      expect(hop.location).toBeUndefined();
      expect(pageKind(hop)).toBe('error');
      expect(errorCode(hop.html)).toBe('invalid_request');
      expect(new URL((await promptNone(own)).location!).searchParams.get('code')).toBeTruthy();
    });
  });
});
