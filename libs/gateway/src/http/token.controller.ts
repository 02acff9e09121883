import { TokenContract, type TokenApi, type TokenResponse } from '@argus/contracts';
import { tokensIssued } from '@argus/platform';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientRequest, noStore } from './request-params';

@ApiTags('oauth2')
@Controller('oauth2')
export class TokenController {
  constructor(@Inject(TokenContract.token) private readonly token: TokenApi) {}

  /** RFC 6749 §3.2 */
  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Token endpoint (client_credentials)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  async exchange(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    const { params, credentials, clientIp } = clientRequest(request);
    const response = await this.token.exchange({ params, credentials, client_ip: clientIp });
    tokensIssued.inc({ grant_type: params.grant_type });
    noStore(reply);
    return response;
  }
}
