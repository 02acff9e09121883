import type { FastifyInstance } from 'fastify';

interface KnownRoute {
  pattern: RegExp;
  method: string;
}

/** A Fastify route path (`/admin/clients/:client_id`, `/docs/*`) as an anchored RegExp. */
export function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * RFC 9110 §15.5.6: a known path asked with a method it does not support is 405 with `Allow`,
 * not 404. Routes are collected as they are registered; only unmatched requests are checked.
 * OPTIONS is left out: a CORS preflight route answers OPTIONS on every path.
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  const routes: KnownRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'OPTIONS' && route.url !== '*' && route.url !== '/*') routes.push({ pattern: routePattern(route.url), method });
    }
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) return done();
    const path = request.url.split('?')[0];
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
    if (allowed.length === 0) return done();
    const usable = allowed.filter((m) => m !== 'HEAD');
    reply
      .code(405)
      .header('Allow', allowed.join(', '))
      .header('Cache-Control', 'no-store')
      .send({
        error: 'invalid_request',
        error_description: `method ${request.method} is not allowed on ${path}; use ${usable.join(' or ')}`,
      });
  });
}
