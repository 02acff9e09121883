import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * The key-encryption key: ARGUS_KEK, or in the standalone topology a key generated once into
 * the data directory (with a warning: anyone who reads that directory can decrypt the keys).
 */
export function resolveKek(options: { kek?: string; distributed: boolean; dataDir: string; logger: Logger }): string {
  if (options.kek) return options.kek;
  if (options.distributed) throw new Error('ARGUS_KEK is required when NATS_URL is set');
  const file = join(options.dataDir, 'kek');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(options.dataDir, { recursive: true });
  const kek = randomBytes(32).toString('base64');
  writeFileSync(file, `${kek}\n`, { mode: 0o600 });
  options.logger.warn({ file }, 'ARGUS_KEK is not set: generated a key-encryption key into the data directory; set ARGUS_KEK in production');
  return kek;
}
