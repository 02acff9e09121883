import 'reflect-metadata';
import { ClientsService, DEFAULT_ADMIN_CLIENT_ID } from '@argus/clients';
import { OAuthError } from '@argus/oauth';
import { createLogger, loadConfigOrExit, PinoNestLogger, useProcessLogger } from '@argus/platform';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import pino from 'pino';
import { CliModule } from './cli.module';

/**
 * Operator commands, run where the services run with the same environment (DATABASE_URL,
 * NATS_URL, ARGUS_KEK, ARGUS_NATS_SUBJECT_PREFIX, ARGUS_DATA_DIR). Answers go to stdout, logs to stderr.
 */
const program = new Command('argus-admin').description('Argus IdP operator commands').showHelpAfterError();

program
  .command('reset-admin-secret')
  .description('give the admin client a new secret and print it: the old secret stops working, and the client is created (or re-enabled) if needed')
  .option('--client-id <id>', 'the admin client (default: ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID, else argus-admin)')
  .option('--json', 'print {"client_id", "client_secret", "created"} as JSON')
  .action(async (options: { clientId?: string; json?: boolean }) => {
    const config = loadConfigOrExit();
    const logger = useProcessLogger(createLogger('cli', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, pino.destination({ fd: 2, sync: true })));
    const clientId = options.clientId ?? config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID ?? DEFAULT_ADMIN_CLIENT_ID;
    const app = await NestFactory.createApplicationContext(CliModule, { logger: new PinoNestLogger(logger) });
    try {
      const reset = await app.get(ClientsService).resetAdminSecret(clientId);
      if (options.json) process.stdout.write(`${JSON.stringify(reset)}\n`);
      else {
        process.stdout.write(`${reset.created ? 'Created' : 'Reset'} the admin client (the secret is shown once, store it now):\n` +
          `  client_id:     ${reset.client_id}\n  client_secret: ${reset.client_secret}\n`);
      }
      if (config.bootstrapAdmin?.clientId === clientId) {
        logger.warn(`ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET is set for ${clientId}: the clients service applies it again at its next start; change the variable to keep this secret`);
      }
      if (!config.distributed) {
        logger.warn(`a running standalone server accepts the previous secret until its cache expires (ARGUS_SECRET_CACHE_TTL=${config.ARGUS_SECRET_CACHE_TTL}s) or it restarts`);
      }
    } catch (err) {
      process.stderr.write(`reset-admin-secret failed: ${err instanceof OAuthError ? err.error_description : String(err)}\n`);
      process.exitCode = 1;
    } finally {
      await app.close();
    }
  });

void program.parseAsync(process.argv);
