import 'reflect-metadata';
import { ClientsService } from '@argus/clients';
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

  const fixed = config.bootstrapAdmin;
  const created = await app.get(ClientsService).ensureBootstrapAdmin(fixed);
  if (created && !fixed) {
    // Printed once, to the terminal only: a secret never goes into the JSON log.
    process.stdout.write(
      `\nArgus IdP created the bootstrap admin client (shown once, store it now):\n` +
        `  client_id:     ${created.client_id}\n  client_secret: ${created.client_secret}\n\n`,
    );
  }
  await listen(app, config);
  logger.info({ port: config.PORT, issuer: config.ARGUS_ISSUER }, 'Argus IdP (standalone) ready');
}

void main();
