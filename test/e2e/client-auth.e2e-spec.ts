import { startTopology, type Topology } from '@argus/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminToken, basic, createClient, metricValue, postForm, type CreatedClient, type TokenBody } from '../support/oauth-http';
import { logLines } from '../support/log-lines';
import { pollUntil } from '../support/poll';
import { TOPOLOGIES } from '../support/topologies';

/** Small limits so the attack is short; a 1 s verification cache so the test outlives it. */
const FAILURES_PER_CLIENT_ADDRESS = 3;
const VERIFICATIONS_PER_CLIENT = 8;
const ENV = {
  ARGUS_SECRET_CACHE_TTL: '1',
  ARGUS_AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_CLIENT_ADDRESS),
  ARGUS_AUTH_VERIFICATIONS_PER_CLIENT_PER_MINUTE: String(VERIFICATIONS_PER_CLIENT),
  // The test's requests all come from 127.0.0.1: a trusted proxy lets it speak for other addresses.
  ARGUS_TRUST_PROXY: '127.0.0.1',
};

type Endpoint = 'token' | 'introspect' | 'revoke';
const ENDPOINTS: Endpoint[] = ['token', 'introspect', 'revoke'];

describe.each(TOPOLOGIES)('client authentication under attack (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  let service: CreatedClient;
  /** The process that runs the clients service: its /metrics and its log. */
  let clientsProcess: string;

  const secretChecks = (outcome: string) => metricValue(topology.processes[clientsProcess], 'argus_client_secret_checks_total', { outcome });

  /** One client-authenticated call; `from` is the X-Forwarded-For address (default: the test itself). */
  async function call(endpoint: Endpoint, clientId: string, secret: string, options: { from?: string; post?: boolean; token?: string } = {}) {
    const form: Record<string, string> = endpoint === 'token' ? { grant_type: 'client_credentials' } : { token: options.token ?? 'not-a-token' };
    const headers: Record<string, string> = options.from ? { 'x-forwarded-for': options.from } : {};
    if (options.post) Object.assign(form, { client_id: clientId, client_secret: secret });
    else headers.authorization = basic(clientId, secret);
    const started = performance.now();
    const result = await postForm<TokenBody & { active?: boolean }>(`${topology.baseUrl}/oauth2/${endpoint}`, form, headers);
    return { ...result, ms: performance.now() - started };
  }

  beforeAll(async () => {
    topology = await startTopology(kind, { env: ENV });
    clientsProcess = kind === 'standalone' ? 'standalone' : 'clients';
    admin = await adminToken(topology);
    service = await createClient(topology, admin, { client_name: 'billing', grant_types: ['client_credentials'], scope: 'api:read' });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  /** The rightful client: 200 at the token endpoint, and with that token at introspection and revocation. */
  async function rightfulClientWorks(clientId: string, secret: string): Promise<void> {
    const issued = await call('token', clientId, secret);
    expect([issued.status, issued.body.error_description]).toEqual([200, undefined]);
    const introspected = await call('introspect', clientId, secret, { token: issued.body.access_token });
    expect([introspected.status, introspected.body.active]).toEqual([200, true]);
    const revoked = await call('revoke', clientId, secret, { token: issued.body.access_token });
    expect(revoked.status).toBe(200);
  }

  it.each([
    ['the bootstrap admin client', () => ({ id: topology.admin.clientId, secret: topology.admin.clientSecret }), '198.51.100.7'],
    ['a service client', () => ({ id: service.client_id, secret: service.client_secret }), '198.51.100.8'],
  ])('wrong secrets for %s do not lock it out, even after its cache entry expired; the attacker is refused without argon2', async (_name, target, attacker) => {
    const { id, secret } = target();
    await rightfulClientWorks(id, secret);
    const rejectedBefore = await secretChecks('rejected');
    const throttledBefore = await secretChecks('throttled');

    const attempts = [];
    for (let i = 0; i < 30; i += 1) attempts.push(await call(ENDPOINTS[i % 3], id, `wrong-secret-${i}`, { from: attacker }));
    expect(attempts.map((a) => a.status)).toEqual(attempts.map(() => 401));
    const verified = attempts.slice(0, FAILURES_PER_CLIENT_ADDRESS);
    const refused = attempts.slice(FAILURES_PER_CLIENT_ADDRESS);
    expect(verified.map((a) => a.body.error_description)).toEqual(verified.map(() => 'client authentication failed'));
    expect(new Set(refused.map((a) => a.body.error_description))).toEqual(new Set(['too many failed authentication attempts; try again later']));
    // Beyond its allowance the attacker costs no argon2id: refused attempts are counted as throttled, not verified.
    expect(await secretChecks('rejected')).toBe(rejectedBefore + FAILURES_PER_CLIENT_ADDRESS);
    expect(await secretChecks('throttled')).toBe(throttledBefore + refused.length);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(median(refused.map((a) => a.ms))).toBeLessThan(median(verified.map((a) => a.ms)));

    // The rightful client, from the same address as the attacker and from its own.
    await rightfulClientWorks(id, secret);
    expect((await call('token', id, secret, { from: attacker })).status).toBe(200);

    // Its verification cache entry expires (1 s): the next request pays one argon2id verification,
    // which the throttle must not refuse while the attack goes on.
    const verifiedBefore = await secretChecks('verified');
    await pollUntil('the verification cache entry to expire', async () => {
      expect((await call('token', id, `still-wrong`, { from: attacker })).status).toBe(401);
      const issued = await call('token', id, secret);
      expect(issued.status).toBe(200);
      return (await secretChecks('verified')) > verifiedBefore ? true : undefined;
    });
    await rightfulClientWorks(id, secret);
  });

  it('an attack on one client_id from many addresses gets a bounded number of argon2id verifications, and the client still works', async () => {
    const rejectedBefore = await secretChecks('rejected');
    const attempts = [];
    for (let i = 0; i < 3 * VERIFICATIONS_PER_CLIENT; i += 1) attempts.push(await call('token', service.client_id, `spread-${i}`, { from: `203.0.113.${i + 1}` }));
    expect(attempts.map((a) => a.status)).toEqual(attempts.map(() => 401));
    // The earlier test spent part of this client's budget: at most the budget is spent in this minute.
    expect((await secretChecks('rejected')) - rejectedBefore).toBeLessThanOrEqual(VERIFICATIONS_PER_CLIENT);
    expect(attempts.at(-1)!.body.error_description).toBe('too many failed authentication attempts; try again later');
    await rightfulClientWorks(service.client_id, service.client_secret);
    expect((await call('token', service.client_id, service.client_secret, { from: '203.0.113.200' })).status).toBe(200);
  });

  describe('secret methods (client_secret_basic and client_secret_post are interchangeable)', () => {
    it('a client registered with the default method (client_secret_basic) may post its secret in the body', async () => {
      const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'api:read' });
      expect(client.token_endpoint_auth_method).toBe('client_secret_basic');
      for (const endpoint of ENDPOINTS) {
        const result = await call(endpoint, client.client_id, client.client_secret, { post: true });
        expect([endpoint, result.status]).toEqual([endpoint, 200]);
      }
    });

    it('a client_secret_post client may use Basic', async () => {
      const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'api:read', token_endpoint_auth_method: 'client_secret_post' });
      expect((await call('token', client.client_id, client.client_secret)).status).toBe(200);
    });

    it('a public client cannot present a secret, and a confidential client cannot authenticate with none', async () => {
      const spa = await createClient(topology, admin, { redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' });
      const withSecret = await postForm<TokenBody>(`${topology.baseUrl}/oauth2/token`, { grant_type: 'authorization_code', code: 'x', client_id: spa.client_id, client_secret: 'made-up-secret' });
      expect([withSecret.status, withSecret.body.error]).toEqual([401, 'invalid_client']);
      expect(withSecret.body.error_description).toMatch(/public client/);
      const none = await postForm<TokenBody>(`${topology.baseUrl}/oauth2/token`, { grant_type: 'client_credentials', client_id: service.client_id });
      expect([none.status, none.body.error]).toEqual([401, 'invalid_client']);
      expect(none.body.error_description).toMatch(/client_secret is required/);
    });
  });

  it('logs why client authentication failed, with client_id and address, never the secret', async () => {
    const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'api:read' });
    const wrongSecret = `log-probe-${Date.now()}-not-the-secret`;
    await call('token', client.client_id, wrongSecret, { post: true, from: '192.0.2.44' });
    await call('token', 'no-such-client-for-the-log', wrongSecret, { from: '192.0.2.45' });
    await call('token', client.client_id, client.client_secret, { post: true });
    const logFile = join(topology.logDir, `${clientsProcess}.log`);
    const lines = await pollUntil('the failure reasons in the log', async () => {
      const text = readFileSync(logFile, 'utf8');
      const failures = logLines(text).filter((l): l is Record<string, unknown> => typeof l === 'object' && l.msg === 'client authentication failed');
      const wanted = [
        failures.find((l) => l.client_id === client.client_id && l.reason === 'wrong_secret' && l.client_ip === '192.0.2.44' && l.method === 'client_secret_post'),
        failures.find((l) => l.client_id === 'no-such-client-for-the-log' && l.reason === 'unknown_client' && l.client_ip === '192.0.2.45'),
      ];
      return wanted.every(Boolean) ? { text, wanted } : undefined;
    });
    expect(lines.wanted.map((l) => l!.level)).toEqual([30, 30]);
    expect(lines.text).not.toContain(wrongSecret);
    expect(lines.text).not.toContain(client.client_secret);
    expect(lines.text).not.toContain(topology.admin.clientSecret);
  });
});
