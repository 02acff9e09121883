import type { ArgusConfig } from '@argus/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerRateLimits } from './http/rate-limits';
import { mountOpenApi } from './openapi';

/** What the public HTTP app adds to the shared platform setup: rate limits and the OpenAPI docs. */
export function configureGatewayApp(app: NestFastifyApplication, config: ArgusConfig): void {
  registerRateLimits(app.getHttpAdapter().getInstance(), config);
  mountOpenApi(app, config.ARGUS_ISSUER);
}
