import type { ArgusConfig, Logger } from '@argus/platform';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ClientsService } from './clients.service';

/** Where a generated admin secret goes: a file only its owner can read, never the log. */
export const BOOTSTRAP_ADMIN_FILE = 'bootstrap-admin.json';
/** The operator's recovery command for a lost admin secret (apps/cli). */
export const RESET_ADMIN_COMMAND = 'node dist/apps/cli/src/main.js reset-admin-secret';

export function bootstrapAdminFile(config: ArgusConfig): string {
  return resolve(config.ARGUS_DATA_DIR, BOOTSTRAP_ADMIN_FILE);
}

/**
 * At start (standalone, and the clients service of the distributed topology): makes sure an admin
 * client exists and tells the operator, in the log, where its credentials are — never the secret.
 * A generated secret is written to <ARGUS_DATA_DIR>/bootstrap-admin.json (mode 0600) and, when
 * standard output is a terminal, shown there as well.
 */
export async function provisionBootstrapAdmin(clients: ClientsService, config: ArgusConfig, logger: Logger): Promise<void> {
  const fixed = config.bootstrapAdmin;
  const outcome = await clients.ensureBootstrapAdmin(fixed);
  const client_id = outcome.client_id;
  if (outcome.status === 'secret_applied') {
    logger.warn({ client_id }, `ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET did not match the stored secret of ${client_id}: it was applied as the new secret (the previous one no longer works)`);
    return;
  }
  if (fixed) {
    if (outcome.status === 'created') logger.info({ client_id }, 'created the bootstrap admin client from ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID/SECRET');
    return;
  }
  const file = bootstrapAdminFile(config);
  if (outcome.status === 'unchanged') {
    logger.info({ client_id, file, recover: RESET_ADMIN_COMMAND }, `the admin client ${client_id} exists; its generated credentials were written to ${file} when it was created. Lost them? Run: ${RESET_ADMIN_COMMAND}`);
    return;
  }
  const credentials = { client_id, client_secret: outcome.client_secret, token_endpoint: `${config.ARGUS_ISSUER}/oauth2/token`, scope: 'argus:admin' };
  try {
    writePrivateFile(file, `${JSON.stringify(credentials, null, 2)}\n`);
    logger.info({ client_id, file }, `created the admin client ${client_id}; its credentials are in ${file} (mode 0600): store them, then delete the file`);
  } catch (err) {
    logger.error({ client_id, file, err: (err as Error).message }, `created the admin client ${client_id} but could not write its credentials to ${file}; set a new secret with: ${RESET_ADMIN_COMMAND}`);
    return;
  }
  if (process.stdout.isTTY) {
    process.stdout.write(`\nArgus IdP admin client (also in ${file}):\n  client_id:     ${client_id}\n  client_secret: ${outcome.client_secret}\n\n`);
  }
}

/** Creates the file with mode 0600 before any byte is written, then moves it into place. */
function writePrivateFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}
