import { TokenContract, type TokenApi, type TokenResponse } from '@argus/contracts';
import { tokensIssued } from '@argus/platform';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientRequest, noStore } from './request-params';

/** The form fields of each grant (RFC 6749 §4.1.3, §4.4.2, §6; RFC 7636 §4.5). */
const TOKEN_REQUEST_SCHEMA = {
  type: 'object',
  required: ['grant_type'],
  properties: {
    grant_type: { type: 'string', enum: ['authorization_code', 'refresh_token', 'client_credentials'] },
    code: { type: 'string', description: 'authorization_code: the code from the authorization response' },
    redirect_uri: { type: 'string', description: 'authorization_code: the redirect_uri of the authorization request, if it sent one' },
    code_verifier: { type: 'string', description: 'authorization_code: the PKCE verifier (required when a challenge was sent)' },
    refresh_token: { type: 'string', description: 'refresh_token: the refresh token (rotated on every use)' },
    scope: { type: 'string', description: 'client_credentials: scopes wanted (default: all of the client); refresh_token: a narrower scope' },
    client_id: { type: 'string', description: 'client_secret_post and public clients' },
    client_secret: { type: 'string', description: 'client_secret_post' },
  },
};

@ApiTags('oauth2')
@Controller('oauth2')
export class TokenController {
  constructor(@Inject(TokenContract.token) private readonly token: TokenApi) {}

  /** RFC 6749 §3.2 */
  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Token endpoint: authorization_code, refresh_token, client_credentials',
    description:
      'RFC 6749 §3.2. The client authenticates with HTTP Basic (client_secret_basic) or client_id and client_secret in the body ' +
      '(client_secret_post); a public client sends only client_id and must use PKCE. Errors are RFC 6749 §5.2 JSON bodies.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: TOKEN_REQUEST_SCHEMA })
  async exchange(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    const { params, credentials, clientIp } = clientRequest(request);
    const response = await this.token.exchange({ params, credentials, client_ip: clientIp });
    tokensIssued.inc({ grant_type: params.grant_type });
    noStore(reply);
    return response;
  }
}
