import 'reflect-metadata';
import { ClientsService, provisionBootstrapAdmin } from '@argus/clients';
import { configureGatewayApp } from '@argus/gateway';
import { createHttpApp, createLogger, listen, loadConfigOrExit, useProcessLogger } from '@argus/platform';
import { StandaloneModule } from './standalone.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = useProcessLogger(createLogger('standalone', config.LOG_LEVEL));
  if (config.NATS_URL) {
    logger.fatal('the standalone app runs every service in-process: unset NATS_URL, or run the distributed apps');
    process.exit(1);
  }
  const app = await createHttpApp(StandaloneModule, config, logger);
  configureGatewayApp(app, config);
  await app.init();

  await provisionBootstrapAdmin(app.get(ClientsService), config, logger);
  await listen(app, config);
  logger.info({ port: config.PORT, issuer: config.ARGUS_ISSUER }, 'Argus IdP (standalone) ready');
}

void main();
