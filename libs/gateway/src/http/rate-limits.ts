import { rateLimited, type ArgusConfig } from '@argus/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { errorPage } from '../browser/pages';

type Audience = 'page' | 'client';

/**
 * Which endpoints are limited, and how they answer: the browser endpoints anyone can reach
 * without credentials (each may write a pending request row) get an HTML page; the
 * client-authenticated endpoints get RFC 6749 §5.2 JSON.
 */
export function rateLimitAudience(url: string | undefined): Audience | undefined {
  if (!url) return undefined;
  if (url === '/oauth2/authorize' || url === '/oauth2/logout' || url.startsWith('/ui/')) return 'page';
  if (['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke', '/oauth2/userinfo'].includes(url) || url.startsWith('/oauth2/register')) return 'client';
  return undefined;
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Per-source-address limits at the gateway, before the body is read. The counters live in this
 * gateway process's memory: N gateways behind a balancer allow up to N times the limit, which
 * still bounds what each one takes.
 */
export function registerRateLimits(fastify: FastifyInstance, config: ArgusConfig): void {
  const limiters: Partial<Record<Audience, RateLimiterMemory>> = {};
  const window = config.ARGUS_RATE_LIMIT_WINDOW;
  if (config.ARGUS_RATE_LIMIT_ANONYMOUS > 0) limiters.page = new RateLimiterMemory({ keyPrefix: 'page', points: config.ARGUS_RATE_LIMIT_ANONYMOUS, duration: window });
  if (config.ARGUS_RATE_LIMIT_CLIENT > 0) limiters.client = new RateLimiterMemory({ keyPrefix: 'client', points: config.ARGUS_RATE_LIMIT_CLIENT, duration: window });

  fastify.addHook('onRequest', async (request, reply) => {
    const audience = rateLimitAudience(request.routeOptions.url);
    const limiter = audience && limiters[audience];
    if (!limiter) return;
    try {
      await limiter.consume(request.ip);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      rateLimited.inc({ limit: audience });
      return tooManyRequests(request, reply, audience, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  });
}

/** RFC 6585 §4: 429 with Retry-After; the OAuth code is `temporarily_unavailable` (RFC 6749 §4.1.2.1). */
function tooManyRequests(request: FastifyRequest, reply: FastifyReply, audience: Audience, retryAfter: number): FastifyReply {
  const description = `too many requests from ${request.ip}; retry after ${retryAfter} seconds`;
  reply.code(429).header('Retry-After', String(retryAfter)).header('Cache-Control', 'no-store');
  if (audience === 'page') {
    return reply.header('Content-Security-Policy', PAGE_CSP).type('text/html; charset=utf-8').send(errorPage('temporarily_unavailable', description));
  }
  return reply.send({ error: 'temporarily_unavailable', error_description: description });
}
