import 'reflect-metadata';
import { configureGatewayApp } from '@argus/gateway';
import { createHttpApp, createLogger, listen, loadConfigOrExit, useProcessLogger } from '@argus/platform';
import { GatewayAppModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = useProcessLogger(createLogger('gateway', config.LOG_LEVEL));
  if (!config.NATS_URL) {
    logger.fatal('NATS_URL is required for the gateway app; use apps/standalone (npm start) for one process');
    process.exit(1);
  }
  const app = await createHttpApp(GatewayAppModule, config, logger);
  configureGatewayApp(app, config);
  await listen(app, config);
  logger.info({ port: config.PORT, issuer: config.ARGUS_ISSUER }, 'gateway ready');
}

void main();
