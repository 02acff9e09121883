import { AuthorizationContract, EventTypes, type AuthenticatedClient, type AuthorizationApi, type TokenResponse } from '@argus/contracts';
import { buildEvent, EventBus } from '@argus/events';
import { InvalidGrant, InvalidScope, optionalParam, parseScope, requireParam, type GrantContext, type GrantHandler } from '@argus/oauth';
import { nowSeconds } from '@argus/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenIssuer } from '../access-token.issuer';
import { RefreshTokens, type RefreshTokenClaims } from '../refresh-tokens';

/**
 * RFC 6749 §6 with rotation on every use and reuse detection (RFC 9700 §4.14.2). Each refresh
 * applies the platform rules again (user enabled and still holding the client's required role,
 * scope within the client's current scope, the family's absolute lifetime), and commits the
 * rotation only after everything that can fail (signing, audit events): a failure leaves the
 * presented token valid for a retry.
 */
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

    // RFC 6749 §6: the scope may only narrow. Checked before anything else, so a refused request
    // leaves the token usable (§5.2: an error changes nothing).
    const original = claims.scope.split(' ').filter(Boolean);
    const requested = parseScope(optionalParam(params, 'scope'));
    const widened = requested.filter((s) => !original.includes(s));
    if (widened.length > 0) throw new InvalidScope(`scope exceeds the original grant: ${widened.join(' ')}`);

    const presented = this.refreshTokens.state(await this.refreshTokens.find(claims.jti));
    if (presented.kind === 'reused') return this.reuseDetected(claims, client, clientIp);
    if (presented.kind !== 'usable') throw new InvalidGrant('the refresh token is no longer valid');
    const familyExpiresAt = this.refreshTokens.familyExpiry(presented.row);
    if (familyExpiresAt <= nowSeconds()) {
      throw new InvalidGrant('the grant has reached its absolute lifetime (ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL): the user must sign in again');
    }

    // DESIGN.md: a grant stands only while the user is enabled and holds the client's required role.
    if (!(await this.authorization.userStatus({ id: claims.sub, client_id: client.client_id })).active) {
      throw new InvalidGrant('the user of this refresh token is disabled, deleted, or no longer holds the role this client requires');
    }
    // The granted scope is re-intersected with what the client may ask for now.
    const familyScope = original.filter((s) => client.scope.includes(s));
    const scope = (requested.length > 0 ? requested : original).filter((s) => client.scope.includes(s));
    if (!familyScope.includes('offline_access')) throw new InvalidGrant('the client may no longer ask for offline_access: the user must sign in again');
    if (scope.length === 0) throw new InvalidGrant('none of the requested scopes is still registered for this client');

    const access = await this.accessTokens.issue({
      clientId: client.client_id,
      subject: claims.sub,
      scope,
      grantType: this.grantType,
      clientIp,
      ttlSeconds: client.access_token_ttl,
      grantId: claims.grant_id,
    });
    const successor = await this.refreshTokens.prepare({ grantId: claims.grant_id, clientId: client.client_id, sub: claims.sub, scope: familyScope, ttlSeconds: client.refresh_token_ttl, familyExpiresAt });
    await this.events.publish(buildEvent('token', EventTypes.tokenRefreshed, access.jti, { jti: access.jti, grant_id: claims.grant_id, client_id: client.client_id, sub: claims.sub, scope: scope.join(' ') }));

    const rotation = await this.refreshTokens.commitRotation(claims.jti, successor);
    if (rotation.kind === 'reused') return this.reuseDetected(claims, client, clientIp);
    if (rotation.kind !== 'rotated') throw new InvalidGrant('the refresh token is no longer valid');
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: scope.join(' '), refresh_token: successor.token };
  }

  /** RFC 9700 §4.14.2: a rotated token presented again revokes the whole grant. */
  private async reuseDetected(claims: RefreshTokenClaims, client: AuthenticatedClient, clientIp: string): Promise<never> {
    await this.refreshTokens.revokeGrant({ grantId: claims.grant_id, clientId: client.client_id }, 'refresh token reuse');
    await this.events.publish(
      buildEvent('token', EventTypes.refreshReuseDetected, claims.grant_id, { grant_id: claims.grant_id, client_id: client.client_id, sub: claims.sub, jti: claims.jti, client_ip: clientIp }),
    );
    throw new InvalidGrant('the refresh token was already used; the whole grant is revoked');
  }
}
