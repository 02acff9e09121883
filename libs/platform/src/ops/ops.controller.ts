import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { metricsRegistry } from '../metrics/metrics';
import { ReadinessRegistry } from './readiness';

const PROBE_TIMEOUT_MS = 2000;

@ApiExcludeController()
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Alive: the event loop answers. */
  @Get('healthz')
  @HealthCheck()
  alive() {
    return this.health.check([]);
  }

  /**
   * Ready: every registered dependency (database, NATS) answers and the shared settings agree.
   * Not ready is 503 with Retry-After and the per-dependency detail (terminus' body), written
   * here so the OAuth error filter does not turn it into a 500.
   */
  @Get('readyz')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.checkDependencies();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      reply.code(503).header('Retry-After', '5').header('Cache-Control', 'no-store');
      return err.getResponse();
    }
  }

  private checkDependencies() {
    return this.health.check(
      this.readiness.entries().map(([name, probe]) => async () => {
        const session = this.indicators.check(name);
        try {
          await withTimeout(probe(), PROBE_TIMEOUT_MS);
          return session.up();
        } catch (err) {
          return session.down({ message: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (err) => (clearTimeout(timer), reject(err)),
    );
  });
}
