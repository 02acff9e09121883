import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createServer, type Server } from 'node:http';

/** Served only on the operations port when one is configured: they need not be public. */
function isOpsOnly(request: FastifyRequest): boolean {
  const url = request.routeOptions.url ?? '';
  return url === '/metrics' || url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-');
}

/** Probes answer on both ports, so a load balancer or kubelet can check either. */
function isProbe(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  return url === '/healthz' || url === '/readyz';
}

/**
 * ARGUS_OPS_PORT: a second listener on the same Fastify instance (`fastify.routing`) that serves
 * /metrics, /docs, /healthz and /readyz; the public port then answers 404 for /metrics and /docs.
 */
export class OpsPort {
  private server?: Server;

  constructor(
    private readonly fastify: FastifyInstance,
    private readonly port: number,
  ) {
    fastify.addHook('onRequest', (request, reply, done) => {
      const onOpsPort = request.socket.localPort === this.port;
      if (isProbe(request) || onOpsPort === isOpsOnly(request)) return done();
      reply.code(404).header('Cache-Control', 'no-store').send({ error: 'not_found', error_description: 'no such endpoint' });
    });
    fastify.addHook('onClose', (_instance, done) => {
      if (!this.server) return done();
      this.server.close(() => done());
      this.server.closeAllConnections();
    });
  }

  async listen(host: string): Promise<void> {
    const server = createServer((req, res) => this.fastify.routing(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, host, () => resolve());
    });
  }
}
