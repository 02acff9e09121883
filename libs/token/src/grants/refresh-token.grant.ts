import { AuthorizationContract, EventTypes, type AuthorizationApi, type TokenResponse } from '@argus/contracts';
import { buildEvent, EventBus } from '@argus/events';
import { InvalidGrant, InvalidScope, optionalParam, parseScope, requireParam, type GrantContext, type GrantHandler } from '@argus/oauth';
import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenIssuer } from '../access-token.issuer';
import { RefreshTokens } from '../refresh-tokens';

/** RFC 6749 §6 with rotation on every use and reuse detection (RFC 9700 §4.14.2). */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';

  constructor(
    @Inject(AuthorizationContract.token) private readonly authorization: AuthorizationApi,
    private readonly refreshTokens: RefreshTokens,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly events: EventBus,
  ) {}

  async handle({ client, params, clientIp }: GrantContext): Promise<TokenResponse> {
    const claims = await this.refreshTokens.verify(requireParam(params, 'refresh_token'));
    if (!claims) throw new InvalidGrant('the refresh token is invalid or expired');
    if (claims.client_id !== client.client_id) throw new InvalidGrant('the refresh token was issued to another client');

    // RFC 6749 §6: the scope may only narrow. Checked before rotating, so a refused request
    // leaves the token usable (§5.2: an error changes nothing).
    const original = claims.scope.split(' ').filter(Boolean);
    const requested = parseScope(optionalParam(params, 'scope'));
    const widened = requested.filter((s) => !original.includes(s));
    if (widened.length > 0) throw new InvalidScope(`scope exceeds the original grant: ${widened.join(' ')}`);
    const scope = requested.length > 0 ? requested : original;
    if (!(await this.authorization.userStatus({ id: claims.sub })).active) {
      throw new InvalidGrant('the user of this refresh token is disabled or deleted');
    }

    const rotation = await this.refreshTokens.rotate(claims.jti);
    if (rotation.kind === 'reused') {
      await this.refreshTokens.revokeGrant(rotation.row, 'refresh token reuse');
      await this.events.publish(
        buildEvent('token', EventTypes.refreshReuseDetected, claims.grant_id, { grant_id: claims.grant_id, client_id: client.client_id, sub: claims.sub, jti: claims.jti, client_ip: clientIp }),
      );
      throw new InvalidGrant('the refresh token was already used; the whole grant is revoked');
    }
    if (rotation.kind !== 'rotated') throw new InvalidGrant('the refresh token is no longer valid');

    const access = await this.accessTokens.issue({
      clientId: client.client_id,
      subject: claims.sub,
      scope,
      grantType: this.grantType,
      clientIp,
      ttlSeconds: client.access_token_ttl,
      grantId: claims.grant_id,
    });
    const refreshToken = await this.refreshTokens.issue({ grantId: claims.grant_id, clientId: client.client_id, sub: claims.sub, scope: original, ttlSeconds: client.refresh_token_ttl });
    await this.events.publish(buildEvent('token', EventTypes.tokenRefreshed, access.jti, { jti: access.jti, grant_id: claims.grant_id, client_id: client.client_id, sub: claims.sub, scope: scope.join(' ') }));
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: scope.join(' '), refresh_token: refreshToken };
  }
}
