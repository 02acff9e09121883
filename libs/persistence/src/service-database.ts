import { ArgusConfig } from '@argus/platform';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { databaseKind, serviceDataSourceOptions } from './database-url';

export interface ServiceDatabaseOptions {
  service: string;
  entities: Function[];
  migrations: Function[];
}

/**
 * The service's own DataSource, named after the service. Migrations run at start, under a
 * PostgreSQL advisory lock so that two instances starting together do not race.
 */
export function serviceDatabase({ service, entities, migrations }: ServiceDatabaseOptions): DynamicModule {
  return TypeOrmModule.forRootAsync({
    name: service,
    inject: [ArgusConfig],
    // `name` lets @nestjs/typeorm find this DataSource again when it closes it at shutdown.
    useFactory: (config: ArgusConfig) => ({
      ...serviceDataSourceOptions(config.DATABASE_URL, service, entities, migrations),
      name: service,
    }),
    dataSourceFactory: (options?: DataSourceOptions) => openServiceDataSource(service, options!),
  });
}

export async function openServiceDataSource(service: string, options: DataSourceOptions): Promise<DataSource> {
  if (options.type === 'postgres') await ensureSchema(options, service);
  const dataSource = await new DataSource(options).initialize();
  if (options.type === 'postgres') {
    const lockKey = advisoryLockKey(service);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [lockKey]);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
      await runner.release();
    }
  } else {
    await dataSource.runMigrations({ transaction: 'none' });
  }
  return dataSource;
}

async function ensureSchema(options: PostgresConnectionOptions, schema: string): Promise<void> {
  const bootstrap = await new DataSource({ ...options, entities: [], migrations: [], schema: undefined, extra: {} }).initialize();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    // Two instances creating the schema at once: one loses the race on pg_namespace, which is fine.
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await bootstrap.destroy();
  }
}

function advisoryLockKey(service: string): number {
  let hash = 0;
  for (const char of `argus:${service}`) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return hash;
}

export { databaseKind };
