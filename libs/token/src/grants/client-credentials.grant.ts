import type { TokenResponse } from '@argus/contracts';
import { checkRequestedScope, optionalParam, parseScope, type GrantContext, type GrantHandler } from '@argus/oauth';
import { Injectable } from '@nestjs/common';
import { AccessTokenIssuer } from '../access-token.issuer';

/** RFC 6749 §4.4: the client acts on its own behalf; `sub` is the client_id (RFC 9068 §2.2). */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';

  constructor(private readonly accessTokens: AccessTokenIssuer) {}

  async handle({ client, params, clientIp }: GrantContext): Promise<TokenResponse> {
    const scope = checkRequestedScope(parseScope(optionalParam(params, 'scope')), client.scope);
    const issued = await this.accessTokens.issue({
      clientId: client.client_id,
      subject: client.client_id,
      scope,
      grantType: this.grantType,
      clientIp,
      ttlSeconds: client.access_token_ttl,
    });
    // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
    return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: scope.join(' ') };
  }
}
