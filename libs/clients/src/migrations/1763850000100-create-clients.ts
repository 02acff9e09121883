import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClients1763850000100 implements MigrationInterface {
  name = 'CreateClients1763850000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE client (
      client_id TEXT PRIMARY KEY,
      metadata TEXT NOT NULL,
      owner TEXT,
      enabled BOOLEAN NOT NULL,
      secret_hash TEXT,
      previous_secret_hash TEXT,
      previous_secret_expires_at BIGINT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`);
    await runner.query('CREATE INDEX client_owner ON client (owner)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE client');
  }
}
