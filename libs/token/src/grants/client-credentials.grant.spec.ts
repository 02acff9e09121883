import type { AuthenticatedClient, CloudEvent, JwksDocument, KeysApi, KeySummary, SignedJwt, SignRequest } from '@argus/contracts';
import { InProcessEventBus } from '@argus/events';
import { InvalidRequest, InvalidScope, OAuthError } from '@argus/oauth';
import { loadConfig, type ArgusConfig } from '@argus/platform';
import { AccessTokenIssuer } from '../access-token.issuer';
import { ClientCredentialsGrant } from './client-credentials.grant';
import { rejection } from '@argus/testing/unit';

/** A fake of the keys service's contract that records what it was asked to sign. */
class CapturingKeys implements KeysApi {
  readonly requests: SignRequest[] = [];

  async sign(request: SignRequest): Promise<SignedJwt> {
    this.requests.push(request);
    return { jwt: `header.${Buffer.from(JSON.stringify(request.payload)).toString('base64url')}.signature-${this.requests.length}`, kid: 'kid-1' };
  }
  async jwks(): Promise<JwksDocument> {
    return { keys: [] };
  }
  async list(): Promise<KeySummary[]> {
    return [];
  }

  get last(): SignRequest {
    return this.requests[this.requests.length - 1];
  }
}

const CLIENT: AuthenticatedClient = {
  client_id: 'billing',
  grant_types: ['client_credentials'],
  scope: ['api:read', 'api:write', 'reports:read'],
  token_endpoint_auth_method: 'client_secret_basic',
};

describe(ClientCredentialsGrant.name, () => {
  let keys: CapturingKeys;
  let bus: InProcessEventBus;
  let events: CloudEvent[];
  let config: ArgusConfig;
  let grant: ClientCredentialsGrant;

  function setUp(env: Record<string, string> = {}) {
    keys = new CapturingKeys();
    bus = new InProcessEventBus();
    events = [];
    bus.subscribe('token.*', (event) => events.push(event));
    config = loadConfig({ ARGUS_ISSUER: 'https://id.example.com', ...env });
    grant = new ClientCredentialsGrant(new AccessTokenIssuer(keys, bus, config));
  }

  beforeEach(() => setUp());

  it('is registered under client_credentials', () => {
    expect(grant.grantType).toBe('client_credentials');
  });

  // RFC 9068 §2.2 claims; DESIGN.md: ES256, typ at+jwt, default 15 minutes.
  it('asks keys to sign an RFC 9068 ES256 at+jwt with iss, sub = client_id, aud, exp, iat, nbf, jti, client_id, scope', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await grant.handle({ client: CLIENT, params: { grant_type: 'client_credentials', scope: 'api:read' }, clientIp: '10.0.0.1' });
    const after = Math.floor(Date.now() / 1000);

    expect(keys.requests).toHaveLength(1);
    const { alg, typ, payload } = keys.last;
    expect(alg).toBe('ES256');
    expect(typ).toBe('at+jwt');
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'nbf', 'scope', 'sub']);
    expect(payload).toMatchObject({ iss: 'https://id.example.com', sub: 'billing', aud: 'https://id.example.com', client_id: 'billing', scope: 'api:read' });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(payload.nbf).toBe((payload.iat as number) - config.ARGUS_NBF_BACKDATE_SECONDS); // backdated for slow clocks
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    // RFC 6749 §5.1 response; §4.4.3: no refresh token.
    expect(response).toEqual({ access_token: `header.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.signature-1`, token_type: 'Bearer', expires_in: 900, scope: 'api:read' });
    expect(response).not.toHaveProperty('refresh_token');
  });

  it('uses a fresh jti for every token', async () => {
    await grant.handle({ client: CLIENT, params: {}, clientIp: '10.0.0.1' });
    await grant.handle({ client: CLIENT, params: {}, clientIp: '10.0.0.1' });
    expect(keys.requests[0].payload.jti).not.toBe(keys.requests[1].payload.jti);
  });

  it('uses the client access_token_ttl over the default', async () => {
    const response = await grant.handle({ client: { ...CLIENT, access_token_ttl: 120 }, params: {}, clientIp: '10.0.0.1' });
    const { payload } = keys.last;
    expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    expect(response.expires_in).toBe(120);
  });

  it('uses ARGUS_ACCESS_TOKEN_TTL and ARGUS_ACCESS_TOKEN_AUDIENCE from the config', async () => {
    setUp({ ARGUS_ACCESS_TOKEN_TTL: '300', ARGUS_ACCESS_TOKEN_AUDIENCE: 'https://api.example.com' });
    const response = await grant.handle({ client: CLIENT, params: {}, clientIp: '10.0.0.1' });
    const { payload } = keys.last;
    expect(payload.aud).toBe('https://api.example.com');
    expect(payload.iss).toBe('https://id.example.com');
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
    expect(response.expires_in).toBe(300);
  });

  // RFC 6749 §3.3: omitted scope → the client's registered scopes.
  it.each([
    [{}, 'api:read api:write reports:read'],
    [{ scope: '' }, 'api:read api:write reports:read'],
    [{ scope: 'reports:read api:read' }, 'reports:read api:read'],
    [{ scope: 'api:read api:read' }, 'api:read'],
  ])('with params %j grants scope %j', async (params, scope) => {
    const response = await grant.handle({ client: CLIENT, params, clientIp: '10.0.0.1' });
    expect(response.scope).toBe(scope);
    expect(keys.last.payload.scope).toBe(scope);
  });

  it.each([
    [{ scope: 'api:read argus:admin' }, InvalidScope],
    [{ scope: 'openid' }, InvalidScope],
    [{ scope: 'api:read "x"' }, InvalidRequest],
  ])('refuses %j with %p and signs nothing, emits nothing', async (params, ErrorClass) => {
    const err = await rejection(grant.handle({ client: CLIENT, params, clientIp: '10.0.0.1' }));
    expect(err).toBeInstanceOf(ErrorClass);
    expect(keys.requests).toHaveLength(0);
    expect(events).toHaveLength(0);
  });

  // DESIGN.md "Events": token issued, with ids, scope, grant type, client IP and times; never the token.
  it('publishes token.issued with ids only, never the token', async () => {
    const response = await grant.handle({ client: CLIENT, params: { scope: 'api:write' }, clientIp: '192.0.2.7' });
    const { payload } = keys.last;
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ specversion: '1.0', type: 'argus.token.issued', source: '/argus/token', subject: payload.jti });
    expect(event.data).toEqual({
      jti: payload.jti,
      client_id: 'billing',
      sub: 'billing',
      scope: 'api:write',
      grant_type: 'client_credentials',
      client_ip: '192.0.2.7',
      exp: payload.exp,
    });
    const text = JSON.stringify(event);
    expect(text).not.toContain(response.access_token);
    expect(text).not.toContain('signature-');
  });

  it('does not return a token whose event could not be published (strict audit)', async () => {
    // The bus refuses asynchronously, as JetStream does when no stream acknowledges the event.
    jest.spyOn(bus, 'publish').mockRejectedValue(new Error('JetStream did not acknowledge'));
    await expect(grant.handle({ client: CLIENT, params: {}, clientIp: '10.0.0.1' })).rejects.toThrow('JetStream');
    // A token was signed, and withheld: the refusal is the audit's, not an earlier failure.
    expect(keys.requests).toHaveLength(1);
  });
});
