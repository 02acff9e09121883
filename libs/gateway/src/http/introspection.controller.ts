import { IntrospectionContract, type IntrospectionApi, type IntrospectionResponse } from '@argus/contracts';
import { optionalParam, requireParam } from '@argus/oauth';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientRequest, noStore } from './request-params';

@ApiTags('oauth2')
@Controller('oauth2')
export class IntrospectionController {
  constructor(@Inject(IntrospectionContract.token) private readonly introspection: IntrospectionApi) {}

  /** RFC 7662 §2 */
  @Post('introspect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Token introspection (RFC 7662)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  async introspect(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IntrospectionResponse> {
    const { params, credentials, clientIp } = clientRequest(request);
    const token = requireParam(params, 'token');
    noStore(reply);
    return this.introspection.introspect({ credentials, client_ip: clientIp, token, token_type_hint: optionalParam(params, 'token_type_hint') });
  }

  /**
   * RFC 7009 §2: success is an empty 200, whether or not the token was known. No Content-Type for
   * the empty body: SPA libraries (oidc-client-ts) refuse a text/plain answer.
   */
  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Token revocation (RFC 7009)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  async revoke(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { params, credentials, clientIp } = clientRequest(request);
    const token = requireParam(params, 'token');
    await this.introspection.revoke({ credentials, client_ip: clientIp, token, token_type_hint: optionalParam(params, 'token_type_hint') });
    await noStore(reply).code(200).send();
  }
}
