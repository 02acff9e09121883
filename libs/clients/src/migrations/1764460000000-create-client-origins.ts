import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { ClientMetadata } from '@argus/contracts';
import { corsOrigins } from '../client-metadata';

/** The CORS origin registry, filled from the clients registered before it existed. */
export class CreateClientOrigins1764460000000 implements MigrationInterface {
  name = 'CreateClientOrigins1764460000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE client_origin (
      origin TEXT NOT NULL,
      client_id TEXT NOT NULL,
      PRIMARY KEY (origin, client_id)
    )`);
    await runner.query('CREATE INDEX client_origin_client_id ON client_origin (client_id)');
    const clients = (await runner.query('SELECT client_id, metadata FROM client')) as { client_id: string; metadata: string }[];
    for (const { client_id, metadata } of clients) {
      for (const origin of corsOrigins(JSON.parse(metadata) as ClientMetadata)) {
        // The driver writes its own placeholders ($1 on PostgreSQL, ? on SQLite).
        const [sql, params] = runner.connection.driver.escapeQueryWithParameters(
          'INSERT INTO client_origin (origin, client_id) VALUES (:origin, :client_id)',
          { origin, client_id },
          {},
        );
        await runner.query(sql, params);
      }
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE client_origin');
  }
}
