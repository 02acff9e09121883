import { AuthorizationContract, type AuthorizationApi, type TokenResponse } from '@argus/contracts';
import { optionalParam, requireParam, type GrantContext, type GrantHandler } from '@argus/oauth';
import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenIssuer } from '../access-token.issuer';
import { IdTokenIssuer } from '../id-token.issuer';
import { RefreshTokens } from '../refresh-tokens';

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5) and OIDC Core §3.1.3. A refresh token is issued only
 * when the client has the refresh_token grant and `offline_access` was granted.
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';

  constructor(
    @Inject(AuthorizationContract.token) private readonly authorization: AuthorizationApi,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly idTokens: IdTokenIssuer,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async handle({ client, params, clientIp }: GrantContext): Promise<TokenResponse> {
    const grant = await this.authorization.consumeCode({
      code: requireParam(params, 'code'),
      client_id: client.client_id,
      redirect_uri: optionalParam(params, 'redirect_uri'),
      code_verifier: optionalParam(params, 'code_verifier'),
    });
    const access = await this.accessTokens.issue({
      clientId: client.client_id,
      subject: grant.sub,
      scope: grant.scope,
      grantType: this.grantType,
      clientIp,
      ttlSeconds: client.access_token_ttl,
      grantId: grant.grant_id,
    });
    const response: TokenResponse = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: grant.scope.join(' ') };
    if (grant.scope.includes('openid')) {
      response.id_token = await this.idTokens.issue(grant, client.client_id, access.token, client.id_token_signed_response_alg);
    }
    if (client.grant_types.includes('refresh_token') && grant.scope.includes('offline_access')) {
      response.refresh_token = await this.refreshTokens.issue({
        grantId: grant.grant_id,
        clientId: client.client_id,
        sub: grant.sub,
        scope: grant.scope,
        ttlSeconds: client.refresh_token_ttl,
      });
    }
    return response;
  }
}
