import { KeysContract, type JwksDocument, type KeysApi } from '@argus/contracts';
import { ArgusConfig } from '@argus/platform';
import { IDENTITY_SCOPES, SUPPORTED_CLAIMS } from '@argus/contracts';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

@ApiTags('discovery')
@Controller('.well-known')
export class WellKnownController {
  private readonly metadata: Record<string, unknown>;

  constructor(
    @Inject(KeysContract.token) private readonly keys: KeysApi,
    private readonly config: ArgusConfig,
  ) {
    this.metadata = discoveryDocument(config.ARGUS_ISSUER);
  }

  /** OpenID Connect Discovery 1.0 §4 */
  @Get('openid-configuration')
  @ApiOperation({ summary: 'Discovery document' })
  openidConfiguration(): Record<string, unknown> {
    return this.metadata;
  }

  /** RFC 8414 §3 */
  @Get('oauth-authorization-server')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  authorizationServer(): Record<string, unknown> {
    return this.metadata;
  }

  @Get('jwks.json')
  @ApiOperation({ summary: 'Public signing keys (JWKS)' })
  async jwks(@Res({ passthrough: true }) reply: FastifyReply): Promise<JwksDocument> {
    reply.header('Cache-Control', `public, max-age=${this.config.ARGUS_JWKS_MAX_AGE}`);
    return this.keys.jwks({});
  }
}

/** Lists only what this server implements: a client library configures itself from it. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  const authMethods = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    userinfo_endpoint: `${issuer}/oauth2/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    introspection_endpoint: `${issuer}/oauth2/introspect`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    end_session_endpoint: `${issuer}/oauth2/logout`,
    scopes_supported: [...IDENTITY_SCOPES],
    claims_supported: [...SUPPORTED_CLAIMS, 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid', 'amr'],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...authMethods, 'none'],
    introspection_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: [...authMethods, 'none'],
    prompt_values_supported: ['none', 'login', 'consent'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/docs`,
  };
}
