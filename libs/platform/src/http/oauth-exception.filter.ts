import { toOAuthError, OAuthError, InvalidRequest, MissingBearerToken } from '@argus/oauth';
import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER, type Logger } from '../logging/logging.module';
import { oauthErrors } from '../metrics/metrics';

/**
 * The single serializer of errors to HTTP: RFC 6749 §5.2 JSON bodies, `no-store`, and
 * `WWW-Authenticate` for 401s (Basic for client authentication, Bearer for RFC 6750).
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = fromHttpFramework(exception) ?? toOAuthError(exception);
    oauthErrors.inc({ error: error.error });
    if (error.status >= 500) this.logger.error({ err: exception, detail: error.detail, reqId: request.id }, 'request failed');
    else if (error.detail) this.logger.info({ detail: error.detail, reqId: request.id }, error.error);

    // The challenge follows the error: RFC 6750 §3 for Bearer tokens, RFC 6749 §5.2 for clients.
    // RFC 6750 §3.1: no error code in the challenge when the request carried no credentials.
    if (error instanceof MissingBearerToken) reply.header('WWW-Authenticate', 'Bearer realm="argus"');
    else if (BEARER_ERRORS.has(error.error)) reply.header('WWW-Authenticate', `Bearer realm="argus", error="${error.error}"`);
    else if (error.status === 401) reply.header('WWW-Authenticate', 'Basic realm="argus"');
    reply
      .status(error.status)
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .send({ error: error.error, error_description: error.error_description });
  }
}

const BEARER_ERRORS = new Set(['invalid_token', 'insufficient_scope']);

/** Maps framework errors (body too large, bad JSON, unsupported media type, 404) to OAuth errors. */
function fromHttpFramework(exception: unknown): OAuthError | undefined {
  if (exception instanceof OAuthError) return undefined;
  const e = exception as { statusCode?: number; code?: string; message?: string };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new OAuthError('invalid_request', 'request body is too large', 413);
  }
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new OAuthError('invalid_request', 'unsupported Content-Type', 415);
  }
  if (e?.code?.startsWith('FST_ERR_CTP') || e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new InvalidRequest(`request body could not be parsed: ${e.message ?? ''}`.trim());
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return new OAuthError('not_found', 'no such endpoint', 404);
    if (status < 500) return new OAuthError('invalid_request', exception.message, status);
  }
  if (exception instanceof SyntaxError) return new InvalidRequest('request body is not valid JSON');
  return undefined;
}
