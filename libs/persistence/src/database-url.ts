import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

export type DatabaseKind = 'sqlite' | 'postgres';

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * DataSource options for one service. PostgreSQL: the service's own schema (search_path), so no
 * service sees another's tables. SQLite (standalone, one file): the services' table names are
 * distinct and each keeps its own migrations table.
 */
export function serviceDataSourceOptions(
  url: string,
  service: string,
  entities: DataSourceOptions['entities'],
  migrations: DataSourceOptions['migrations'],
): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    migrationsTableName: `${service}_migrations`,
    logging: false as const,
  };
  if (databaseKind(url) === 'sqlite') {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      // Migrations of several services share one file: no long transactions across awaits.
      migrationsTransactionMode: 'none',
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        // With WAL, NORMAL survives a crash of the process and loses at most the last
        // transactions on power loss; FULL would wait for the disk on every write.
        db.pragma('synchronous = NORMAL');
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    ...common,
    type: 'postgres',
    url,
    schema: service,
    extra: { options: `-c search_path=${service}`, max: 10 },
  };
}
