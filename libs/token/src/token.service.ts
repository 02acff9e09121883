import {
  ClientsContract,
  type ClientsApi,
  type RevokeRefreshTokenRequest,
  type TokenApi,
  type TokenRequest,
  type TokenResponse,
} from '@argus/contracts';
import { GrantRegistry, requireParam, UnauthorizedClient } from '@argus/oauth';
import { Inject, Injectable } from '@nestjs/common';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { RefreshTokens } from './refresh-tokens';

/** The token endpoint: authenticate the client → pick the grant → let the grant issue. */
@Injectable()
export class TokenService implements TokenApi {
  private readonly grants: GrantRegistry;

  constructor(
    @Inject(ClientsContract.token) private readonly clients: ClientsApi,
    private readonly refreshTokens: RefreshTokens,
    clientCredentials: ClientCredentialsGrant,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
  ) {
    this.grants = new GrantRegistry([clientCredentials, authorizationCode, refreshToken]);
  }

  get supportedGrantTypes(): string[] {
    return this.grants.grantTypes;
  }

  async exchange({ params, credentials, client_ip }: TokenRequest): Promise<TokenResponse> {
    const grantType = requireParam(params, 'grant_type');
    const client = await this.clients.authenticate({ credentials, client_ip });
    const handler = this.grants.resolve(grantType, client);
    return handler.handle({ client, params, clientIp: client_ip });
  }

  /** RFC 7009 §2.1: revoking a refresh token revokes its whole grant (and the grant's access tokens). */
  async revokeRefreshToken({ token, client_id }: RevokeRefreshTokenRequest): Promise<{ revoked: boolean }> {
    const claims = await this.refreshTokens.verify(token);
    if (!claims) return { revoked: false };
    if (claims.client_id !== client_id) throw new UnauthorizedClient('the token was not issued to this client');
    await this.refreshTokens.revokeGrant({ grantId: claims.grant_id, clientId: claims.client_id }, 'revoked by the client');
    return { revoked: true };
  }
}
