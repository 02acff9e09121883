import type {
  AuthenticateClientRequest,
  AuthenticatedClient,
  ClientsApi,
  ClientStatus,
  JwksDocument,
  KeysApi,
  KeySummary,
  SignedJwt,
} from '@argus/contracts';
import { InProcessEventBus } from '@argus/events';
import { InvalidClient, InvalidRequest, OAuthError, UnauthorizedClient, UnsupportedGrantType } from '@argus/oauth';
import { loadConfig } from '@argus/platform';
import { AccessTokenIssuer } from './access-token.issuer';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { TokenService } from './token.service';
import { ClientsApiStub, rejection } from '@argus/testing/unit';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { RefreshTokens } from './refresh-tokens';

/** A fake of the clients contract: one client per id, its secret checked as-is. */
class FakeClients extends ClientsApiStub {
  readonly authenticated: AuthenticateClientRequest[] = [];

  constructor(private readonly clients: Record<string, AuthenticatedClient & { secret: string }>) {
    super();
  }

  override async authenticate(request: AuthenticateClientRequest): Promise<AuthenticatedClient> {
    this.authenticated.push(request);
    const client = this.clients[request.credentials.client_id];
    if (!client || client.secret !== request.credentials.client_secret) throw new InvalidClient('client authentication failed');
    const { secret: _secret, ...authenticated } = client;
    return authenticated;
  }
  override async status({ client_id }: { client_id: string }): Promise<ClientStatus> {
    return { client_id, exists: client_id in this.clients, enabled: true };
  }
}

class FakeKeys implements KeysApi {
  signed = 0;
  async sign(): Promise<SignedJwt> {
    this.signed += 1;
    return { jwt: 'h.p.s', kid: 'k' };
  }
  async jwks(): Promise<JwksDocument> {
    return { keys: [] };
  }
  async list(): Promise<KeySummary[]> {
    return [];
  }
}

const clients = new FakeClients({
  service: { client_id: 'service', secret: 's1', grant_types: ['client_credentials'], scope: ['api:read'], token_endpoint_auth_method: 'client_secret_basic' },
  webapp: { client_id: 'webapp', secret: 's2', grant_types: ['authorization_code'], scope: ['openid'], token_endpoint_auth_method: 'client_secret_basic' },
});
const credentials = (client_id: string, client_secret: string) => ({ client_id, client_secret, method: 'client_secret_basic' as const });

describe(TokenService.name, () => {
  let keys: FakeKeys;
  let service: TokenService;

  beforeEach(() => {
    keys = new FakeKeys();
    const issuer = new AccessTokenIssuer(keys, new InProcessEventBus(), loadConfig({}));
    // The user-grant handlers have their own specs; here they only need to be registered.
    const codeGrant = { grantType: 'authorization_code', handle: jest.fn() } as unknown as AuthorizationCodeGrant;
    const refreshGrant = { grantType: 'refresh_token', handle: jest.fn() } as unknown as RefreshTokenGrant;
    service = new TokenService(clients, {} as RefreshTokens, new ClientCredentialsGrant(issuer), codeGrant, refreshGrant);
  });

  it('supports client_credentials, authorization_code and refresh_token', () => {
    expect(service.supportedGrantTypes).toEqual(['client_credentials', 'authorization_code', 'refresh_token']);
  });

  it('issues a token for client_credentials to an authenticated client registered for it', async () => {
    const response = await service.exchange({ params: { grant_type: 'client_credentials' }, credentials: credentials('service', 's1'), client_ip: '10.0.0.1' });
    expect(response).toMatchObject({ access_token: 'h.p.s', token_type: 'Bearer', expires_in: 900, scope: 'api:read' });
    expect(clients.authenticated.at(-1)).toEqual({ credentials: credentials('service', 's1'), client_ip: '10.0.0.1' });
  });

  // RFC 6749 §5.2 error codes.
  it.each([
    ['grant_type missing', {}, credentials('service', 's1'), InvalidRequest, 'invalid_request'],
    ['grant_type empty', { grant_type: '' }, credentials('service', 's1'), InvalidRequest, 'invalid_request'],
    ['an unknown grant_type', { grant_type: 'password' }, credentials('service', 's1'), UnsupportedGrantType, 'unsupported_grant_type'],
    ['a grant type with no handler here', { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }, credentials('service', 's1'), UnsupportedGrantType, 'unsupported_grant_type'],
    ['a grant the client is not registered for', { grant_type: 'client_credentials' }, credentials('webapp', 's2'), UnauthorizedClient, 'unauthorized_client'],
    ['failed client authentication', { grant_type: 'client_credentials' }, credentials('service', 'wrong'), InvalidClient, 'invalid_client'],
  ])('answers %s with %p', async (_case, params, presented, ErrorClass, code) => {
    const err = await rejection(service.exchange({ params, credentials: presented, client_ip: '10.0.0.1' }));
    expect(err).toBeInstanceOf(ErrorClass);
    expect(err.error).toBe(code);
    expect(keys.signed).toBe(0);
  });
});
