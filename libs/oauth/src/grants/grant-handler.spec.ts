import type { AuthenticatedClient, TokenResponse } from '@argus/contracts';
import { OAuthError, UnauthorizedClient, UnsupportedGrantType } from '../errors';
import { GrantRegistry, type GrantContext, type GrantHandler } from './grant-handler';

class StubGrant implements GrantHandler {
  constructor(readonly grantType: string) {}
  async handle(_context: GrantContext): Promise<TokenResponse> {
    return { access_token: this.grantType, token_type: 'Bearer', expires_in: 1 };
  }
}

const clientCredentials = new StubGrant('client_credentials');
const authorizationCode = new StubGrant('authorization_code');
const registry = new GrantRegistry([clientCredentials, authorizationCode]);

function client(grantTypes: string[]): AuthenticatedClient {
  return { client_id: 'c', grant_types: grantTypes, scope: [], token_endpoint_auth_method: 'client_secret_basic' };
}

describe(GrantRegistry.name, () => {
  it('lists the registered grant types', () => {
    expect(registry.grantTypes.sort()).toEqual(['authorization_code', 'client_credentials']);
  });

  it.each([
    ['client_credentials', clientCredentials],
    ['authorization_code', authorizationCode],
  ])('resolves %s for a client registered for it', (grantType, handler) => {
    expect(registry.resolve(grantType, client(['authorization_code', 'client_credentials']))).toBe(handler);
  });

  // RFC 6749 §5.2: unsupported_grant_type / unauthorized_client.
  it.each([
    ['password', ['password', 'client_credentials'], UnsupportedGrantType, 'unsupported_grant_type'],
    ['urn:ietf:params:oauth:grant-type:device_code', [], UnsupportedGrantType, 'unsupported_grant_type'],
    ['CLIENT_CREDENTIALS', ['client_credentials'], UnsupportedGrantType, 'unsupported_grant_type'],
    ['client_credentials', ['authorization_code'], UnauthorizedClient, 'unauthorized_client'],
    ['authorization_code', [], UnauthorizedClient, 'unauthorized_client'],
  ])('grant_type %j for a client with %j → %s', (grantType, clientGrants, ErrorClass, code) => {
    let caught: unknown;
    try {
      registry.resolve(grantType, client(clientGrants));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ErrorClass);
    expect((caught as OAuthError).error).toBe(code);
    expect((caught as OAuthError).status).toBe(400);
  });
});
