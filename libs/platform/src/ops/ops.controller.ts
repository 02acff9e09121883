import { Controller, Get, Header } from '@nestjs/common';
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

  /** Ready: every registered dependency (database, NATS) answers. */
  @Get('readyz')
  @HealthCheck()
  ready() {
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
