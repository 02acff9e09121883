import { startStandalone, type Topology } from '@argus/testing';
import { Browser } from '../support/browser-flow';
import { adminCall, adminToken, basic, createClient, jwtsSigned, postForm } from '../support/oauth-http';

describe('authorization code lifetime (ARGUS_CODE_TTL=1)', () => {
  let topology: Topology;

  beforeAll(async () => {
    topology = await startStandalone({ env: { ARGUS_CODE_TTL: '1' } });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  it('an expired code is invalid_grant and issues nothing', async () => {
    const admin = await adminToken(topology);
    const password = 'expiry-test-password';
    const { body: user } = await adminCall<{ username: string }>(topology, admin, 'POST', '/admin/users', { username: 'late', password });
    const client = await createClient(topology, admin, { grant_types: ['authorization_code'], redirect_uris: ['https://rp.example.com/cb'], scope: 'openid', skip_consent: true });
    const flow = await new Browser(topology.baseUrl).signIn(
      { response_type: 'code', client_id: client.client_id, redirect_uri: 'https://rp.example.com/cb', scope: 'openid', state: 's' },
      { username: user.username, password },
    );
    expect(flow.params.code).toBeTruthy();
    const issuedBefore = await jwtsSigned(topology);
    await new Promise((r) => setTimeout(r, 2200));
    const late = await postForm(`${topology.baseUrl}/oauth2/token`, { grant_type: 'authorization_code', code: flow.params.code, redirect_uri: 'https://rp.example.com/cb' }, { authorization: basic(client.client_id, client.client_secret) });
    expect(late.status).toBe(400);
    expect(late.body).toEqual({ error: 'invalid_grant', error_description: 'the authorization code has expired' });
    expect(await jwtsSigned(topology)).toBe(issuedBefore);
  });
});
