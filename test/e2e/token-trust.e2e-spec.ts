import { startTopology, type Topology } from '@argus/testing';
import { decodeJwt } from 'jose';
import { connect, RetentionPolicy, StorageType } from 'nats';
import { randomBytes } from 'node:crypto';
import { Browser } from '../support/browser-flow';
import {
  adminCall,
  adminToken,
  basic,
  clientCredentialsToken,
  createClient,
  introspect,
  metricValue,
  postForm,
  request,
  type CreatedClient,
  type TokenBody,
} from '../support/oauth-http';
import { TOPOLOGIES } from '../support/topologies';

const REDIRECT_URI = 'https://rp.example.com/callback';
const RP_SCOPE = 'openid profile email offline_access';
const ROLE = 'member';
/** Short, so the absolute lifetime of a refresh-token family can be watched ending. */
const ABSOLUTE_TTL = 25;

interface Tokens extends TokenBody {
  refresh_token?: string;
  id_token?: string;
}

describe.each(TOPOLOGIES)('token trust: revocation durability, introspection rights, re-validated grants (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  let rp: CreatedClient;
  /** A resource server registered with argus:introspect. */
  let resourceServer: CreatedClient;

  const tokenUrl = () => `${topology.baseUrl}/oauth2/token`;
  const introspectionInstances = () => Object.keys(topology.processes).filter((name) => name.startsWith('introspection'));
  const isActive = async (token: string) => (await introspect(topology, resourceServer.client_id, resourceServer.client_secret, token)).active === true;
  const userinfo = (token: string) => request(`${topology.baseUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } });
  const refresh = (client: CreatedClient, refreshToken: string) =>
    postForm<Tokens>(tokenUrl(), { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: basic(client.client_id, client.client_secret) });

  async function createUser(roles: string[] = [ROLE]): Promise<{ id: string; username: string; password: string }> {
    const username = `u-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const created = await adminCall<{ id: string }>(topology, admin, 'POST', '/admin/users', { username, password, email: `${username}@example.com`, email_verified: true, name: username, roles });
    if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${created.text}`);
    return { id: created.body.id, username, password };
  }

  /** Signs `user` in to `client` and redeems the code; returns the code too (for a replay). */
  async function signIn(user: { username: string; password: string }, client: CreatedClient = rp, scope = RP_SCOPE): Promise<{ code: string; tokens: Tokens }> {
    const flow = await new Browser(topology.baseUrl).signIn(
      { response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT_URI, scope, state: 's' },
      { username: user.username, password: user.password },
    );
    const code = flow.params.code;
    if (!code) throw new Error(`sign-in failed: ${flow.last.status} ${flow.last.location ?? flow.last.html.slice(0, 300)}`);
    const redeemed = await postForm<Tokens>(tokenUrl(), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, { authorization: basic(client.client_id, client.client_secret) });
    if (redeemed.status !== 200) throw new Error(`code redemption failed: ${redeemed.status} ${redeemed.text}`);
    return { code, tokens: redeemed.body };
  }

  function relyingParty(scope = RP_SCOPE): Promise<CreatedClient> {
    return createClient(topology, admin, {
      client_name: 'Trusting RP',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      scope,
      required_role: ROLE,
      skip_consent: true,
    });
  }

  beforeAll(async () => {
    topology = await startTopology(kind, { env: { ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL: String(ABSOLUTE_TTL) } });
    admin = await adminToken(topology);
    rp = await relyingParty();
    resourceServer = await createClient(topology, admin, { client_name: 'API', grant_types: ['client_credentials'], scope: 'argus:introspect' });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  // RFC 7662 §2.1 / §4: introspection must not allow token scanning.
  describe('who may introspect', () => {
    let tokens: Tokens;
    beforeAll(async () => {
      tokens = (await signIn(await createUser())).tokens;
    });

    it('a public client (auth method none) is refused with 401 invalid_client, learning nothing', async () => {
      const spa = await createClient(topology, admin, { client_name: 'SPA', redirect_uris: [REDIRECT_URI], scope: 'openid', token_endpoint_auth_method: 'none' });
      const result = await postForm(`${topology.baseUrl}/oauth2/introspect`, { token: tokens.access_token, client_id: spa.client_id });
      expect(result.status).toBe(401);
      expect(result.body.error).toBe('invalid_client');
      expect(result.body.error_description).toMatch(/public client/);
      expect(result.body.active).toBeUndefined();
    });

    it('another confidential client learns only {"active": false} about a token that is not its own', async () => {
      const other = await createClient(topology, admin, { client_name: 'Nosy', grant_types: ['client_credentials'], scope: 'api:read' });
      expect(await introspect(topology, other.client_id, other.client_secret, tokens.access_token)).toEqual({ active: false });
    });

    it('the token\'s own client and a resource server registered with argus:introspect learn its metadata', async () => {
      const own = await introspect(topology, rp.client_id, rp.client_secret, tokens.access_token);
      expect(own).toMatchObject({ active: true, client_id: rp.client_id, scope: RP_SCOPE });
      const server = await introspect(topology, resourceServer.client_id, resourceServer.client_secret, tokens.access_token);
      expect(server).toMatchObject({ active: true, client_id: rp.client_id, sub: own.sub });
    });
  });

  describe('a disabled or deleted user', () => {
    it('disabled: the user\'s tokens are inactive at once on every introspection instance, userinfo refuses; re-enabled: active again', async () => {
      const user = await createUser();
      const { tokens } = await signIn(user);
      expect(await isActive(tokens.access_token)).toBe(true);
      expect((await adminCall(topology, admin, 'PATCH', `/admin/users/${user.id}`, { enabled: false })).status).toBe(200);
      const answers = await Promise.all(Array.from({ length: 8 }, () => introspect(topology, resourceServer.client_id, resourceServer.client_secret, tokens.access_token)));
      expect(answers).toEqual(Array(8).fill({ active: false }));
      expect((await userinfo(tokens.access_token)).status).toBe(401);
      expect((await refresh(rp, tokens.refresh_token!)).body.error).toBe('invalid_grant');
      for (const name of introspectionInstances()) {
        // Both instances answered: each applied the event.
        const handled = await metricValue(topology.processes[name], 'argus_rpc_handled_total', { subject: `${topology.nats!.subjectPrefix}.introspection.introspect` });
        expect([name, handled > 0]).toEqual([name, true]);
      }
      // Decided: re-enabling the account brings its unexpired tokens back (as for a client).
      expect((await adminCall(topology, admin, 'PATCH', `/admin/users/${user.id}`, { enabled: true })).status).toBe(200);
      expect(await isActive(tokens.access_token)).toBe(true);
      expect((await userinfo(tokens.access_token)).status).toBe(200);
    });

    it('deleted: the user\'s tokens are inactive at once', async () => {
      const user = await createUser();
      const { tokens } = await signIn(user);
      expect(await isActive(tokens.access_token)).toBe(true);
      expect((await adminCall(topology, admin, 'DELETE', `/admin/users/${user.id}`)).status).toBe(204);
      for (let i = 0; i < 6; i += 1) expect(await isActive(tokens.access_token)).toBe(false);
      expect((await userinfo(tokens.access_token)).status).toBe(401);
    });
  });

  describe('refresh and userinfo apply the platform rules again', () => {
    it('a user who lost the client\'s required role: refresh is invalid_grant, userinfo 401 invalid_token', async () => {
      const user = await createUser();
      const { tokens } = await signIn(user);
      expect((await userinfo(tokens.access_token)).status).toBe(200);
      expect((await adminCall(topology, admin, 'PATCH', `/admin/users/${user.id}`, { roles: ['someone-else'] })).status).toBe(200);
      const refused = await refresh(rp, tokens.refresh_token!);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_grant' });
      expect(refused.body.error_description).toMatch(/role/);
      const info = await userinfo(tokens.access_token);
      expect(info.status).toBe(401);
      expect(info.body.error).toBe('invalid_token');
      expect(info.headers.get('www-authenticate')).toMatch(/^Bearer .*invalid_token/);
      // Nothing was burnt: given the role back, the same refresh token works.
      expect((await adminCall(topology, admin, 'PATCH', `/admin/users/${user.id}`, { roles: [ROLE] })).status).toBe(200);
      expect((await refresh(rp, tokens.refresh_token!)).status).toBe(200);
    });

    it('a client whose scope was narrowed: refresh returns the narrowed scope, userinfo releases only what is still allowed', async () => {
      const client = await relyingParty();
      const user = await createUser();
      const { tokens } = await signIn(user, client);
      expect((await userinfo(tokens.access_token)).body).toMatchObject({ email: `${user.username}@example.com`, name: user.username });
      expect((await adminCall(topology, admin, 'PATCH', `/admin/clients/${client.client_id}`, { scope: 'openid profile offline_access' })).status).toBe(200);
      // The old access token carries a scope the client no longer has: inactive at once.
      expect(await isActive(tokens.access_token)).toBe(false);
      expect((await userinfo(tokens.access_token)).status).toBe(401);
      const refreshed = await refresh(client, tokens.refresh_token!);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.scope).toBe('openid profile offline_access');
      expect(decodeJwt(refreshed.body.access_token).scope).toBe('openid profile offline_access');
      const info = await userinfo(refreshed.body.access_token);
      expect(info.status).toBe(200);
      expect(info.body).toMatchObject({ sub: user.id, name: user.username });
      expect(info.body).not.toHaveProperty('email');
      // Narrowed to nothing usable for refresh: offline_access gone → invalid_grant.
      expect((await adminCall(topology, admin, 'PATCH', `/admin/clients/${client.client_id}`, { scope: 'openid profile' })).status).toBe(200);
      const gone = await refresh(client, refreshed.body.refresh_token!);
      expect(gone.status).toBe(400);
      expect(gone.body.error).toBe('invalid_grant');
      expect(gone.body.error_description).toMatch(/offline_access/);
    });

    it(`a refresh-token family ends ${ABSOLUTE_TTL} s (ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL) after sign-in, however often it rotates`, async () => {
      const { tokens } = await signIn(await createUser());
      const first = decodeJwt(tokens.refresh_token!);
      const familyEnd = first.exp!;
      expect(familyEnd).toBeLessThanOrEqual(first.iat! + ABSOLUTE_TTL);
      let last = await refresh(rp, tokens.refresh_token!);
      const deadline = Date.now() + (ABSOLUTE_TTL + 10) * 1000;
      while (last.status === 200 && Date.now() < deadline) {
        // No rotated token outlives the family, whatever its own lifetime.
        expect(decodeJwt(last.body.refresh_token!).exp).toBeLessThanOrEqual(familyEnd);
        const refreshToken = last.body.refresh_token!;
        await new Promise((r) => setTimeout(r, 1000));
        last = await refresh(rp, refreshToken);
      }
      expect(last.status).toBe(400);
      expect(last.body.error).toBe('invalid_grant');
      expect(Date.now() / 1000).toBeGreaterThanOrEqual(familyEnd - 1);
    });
  });

  it('an admin token stops working at once when argus:admin is removed from its client', async () => {
    const ops = await createClient(topology, admin, { client_name: 'Ops automation', grant_types: ['client_credentials'], scope: 'argus:admin api:read' });
    const token = await clientCredentialsToken(topology, ops.client_id, ops.client_secret, 'argus:admin');
    expect((await adminCall(topology, token, 'GET', '/admin/clients')).status).toBe(200);
    expect((await adminCall(topology, admin, 'PATCH', `/admin/clients/${ops.client_id}`, { scope: 'api:read' })).status).toBe(200);
    for (let i = 0; i < 4; i += 1) {
      const refused = await adminCall(topology, token, 'GET', '/admin/clients');
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_token');
    }
  });

  describe('revocations survive restarts and reach instances started later', () => {
    it('grants revoked by /oauth2/revoke, by a code replay and by refresh reuse, and a deleted client\'s tokens, stay dead', async () => {
      const user = await createUser();
      const byRevoke = await signIn(user);
      const byReplay = await signIn(user);
      const byReuse = await signIn(user);
      const ccClient = await createClient(topology, admin, { client_name: 'Doomed', grant_types: ['client_credentials'], scope: 'api:read' });
      const ccToken = await clientCredentialsToken(topology, ccClient.client_id, ccClient.client_secret);
      const live = await signIn(user);

      // 1. Revocation of the refresh token at the revocation endpoint (needs the introspection service up).
      const revoked = await postForm(`${topology.baseUrl}/oauth2/revoke`, { token: byRevoke.tokens.refresh_token! }, { authorization: basic(rp.client_id, rp.client_secret) });
      expect(revoked.status).toBe(200);
      expect((await adminCall(topology, admin, 'DELETE', `/admin/clients/${ccClient.client_id}`)).status).toBe(204);
      const rotated = await refresh(rp, byReuse.tokens.refresh_token!);
      expect(rotated.status).toBe(200);

      // 2. and 3. Code replay and refresh reuse revoke their grants in the authorization and token
      // services; in the distributed topology they happen while NO introspection instance runs.
      const revokeElsewhere = async () => {
        const replay = await postForm<Tokens>(tokenUrl(), { grant_type: 'authorization_code', code: byReplay.code, redirect_uri: REDIRECT_URI }, { authorization: basic(rp.client_id, rp.client_secret) });
        expect(replay.body.error).toBe('invalid_grant');
        const reuse = await refresh(rp, byReuse.tokens.refresh_token!);
        expect(reuse.body.error).toBe('invalid_grant');
      };
      const dead = [byRevoke.tokens.access_token, byReplay.tokens.access_token, byReuse.tokens.access_token, rotated.body.access_token, ccToken];
      const expectDead = async () => {
        for (const token of dead) expect([decodeJwt(token).jti, await isActive(token)]).toEqual([decodeJwt(token).jti, false]);
        for (const token of dead.slice(0, 4)) expect((await userinfo(token)).status).toBe(401);
        expect(await isActive(live.tokens.access_token)).toBe(true);
      };

      if (kind === 'standalone') {
        await revokeElsewhere();
        await topology.restart('standalone'); // same SQLite file
        await expectDead();
        return;
      }
      const withIntrospectionDown = async () => {
        // DESIGN.md: an outage is 503, never 500 (NATS "no responders").
        const outage = await adminCall(topology, admin, 'GET', '/admin/clients');
        expect([outage.status, outage.body.error]).toEqual([503, 'temporarily_unavailable']);
        await revokeElsewhere();
      };
      await topology.restart('introspection-1', () => topology.restart('introspection-2', withIntrospectionDown));
      await expectDead();
      // A new instance, started after all of it, knows it too (table + replay), and answers.
      const added = await topology.addProcess('introspection-3', 'introspection');
      const subject = { subject: `${topology.nats!.subjectPrefix}.introspection.introspect` };
      const deadline = Date.now() + 20_000;
      while ((await metricValue(added, 'argus_rpc_handled_total', subject)) === 0 && Date.now() < deadline) await expectDead();
      expect(await metricValue(added, 'argus_rpc_handled_total', subject)).toBeGreaterThan(0);
    });
  });

  if (kind === 'distributed') {
    it('a refresh that fails after validation (JetStream cannot record its event) leaves the refresh token valid: no false reuse', async () => {
      const { tokens } = await signIn(await createUser());
      const nats = await connect({ servers: topology.nats!.url });
      const manager = await nats.jetstreamManager();
      const { config } = await manager.streams.info(topology.nats!.stream);
      await manager.streams.delete(topology.nats!.stream);
      try {
        const failed = await refresh(rp, tokens.refresh_token!);
        expect(failed.status).toBeGreaterThanOrEqual(500);
        expect(failed.body.access_token).toBeUndefined();
      } finally {
        await manager.streams.add({ ...config, retention: RetentionPolicy.Limits, storage: StorageType.File });
        await nats.close();
      }
      // The same refresh token, retried: a normal rotation, not reuse.
      const retried = await refresh(rp, tokens.refresh_token!);
      expect(retried.status).toBe(200);
      expect(await isActive(tokens.access_token)).toBe(true);
      expect(await isActive(retried.body.access_token)).toBe(true);
      expect((await refresh(rp, retried.body.refresh_token!)).status).toBe(200);
    });
  }
});
