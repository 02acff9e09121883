import { AuthorizationContract, IntrospectionContract, type AuthorizationApi, type IntrospectionApi } from '@argus/contracts';
import { InsufficientScope, InvalidToken } from '@argus/oauth';
import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from './bearer-token';
import { noStore } from './request-params';

/** OIDC Core §5.3: the claims of the token's user that its scopes release. */
@ApiTags('oauth2')
@ApiBearerAuth()
@Controller('oauth2')
export class UserinfoController {
  constructor(
    @Inject(IntrospectionContract.token) private readonly introspection: IntrospectionApi,
    @Inject(AuthorizationContract.token) private readonly authorization: AuthorizationApi,
  ) {}

  @Get('userinfo')
  @ApiOperation({ summary: 'UserInfo (GET)' })
  get(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.userinfo(request, reply);
  }

  @Post('userinfo')
  @HttpCode(200)
  @ApiOperation({ summary: 'UserInfo (POST)' })
  post(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.userinfo(request, reply);
  }

  private async userinfo(request: FastifyRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
    const token = bearerToken(request);
    const inspected = await this.introspection.inspect({ token });
    if (!inspected.active || !inspected.sub) throw new InvalidToken('the access token is invalid, expired or revoked');
    const scope = (inspected.scope ?? '').split(' ').filter(Boolean);
    if (!scope.includes('openid')) throw new InsufficientScope('the access token lacks scope openid');
    noStore(reply);
    return this.authorization.userinfo({ sub: inspected.sub, scope, client_id: inspected.client_id });
  }
}
