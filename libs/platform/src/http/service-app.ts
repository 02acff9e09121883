import type { INestApplication, Type } from '@nestjs/common';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { createLogger } from '../logging/logger';
import { useProcessLogger } from '../logging/logging.module';
import { createHttpApp, listen, loadConfigOrExit } from './http-app';

/**
 * Starts one service of the distributed topology: its NATS handlers in a queue group named
 * after the service (so instances share the load), plus /healthz, /readyz and /metrics on PORT.
 */
export async function bootstrapServiceApp(
  service: string,
  module: Type<unknown>,
  beforeListen?: (app: INestApplication) => Promise<void>,
): Promise<void> {
  const config = loadConfigOrExit();
  const logger = useProcessLogger(createLogger(service, config.LOG_LEVEL));
  if (!config.NATS_URL) {
    logger.fatal(`NATS_URL is required: the ${service} app is part of the distributed topology (use apps/standalone for one process)`);
    process.exit(1);
  }
  const app = await createHttpApp(module, config, logger);
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.NATS,
    options: {
      servers: [config.NATS_URL],
      name: service,
      queue: config.ARGUS_QUEUE_GROUP ?? `${config.ARGUS_NATS_SUBJECT_PREFIX}-${service}`,
      gracefulShutdown: true,
      gracePeriod: 3000,
      maxReconnectAttempts: -1,
    },
  });
  await app.init();
  await beforeListen?.(app);
  await app.startAllMicroservices();
  await listen(app, config);
  logger.info({ port: config.PORT }, `${service} ready`);
}
