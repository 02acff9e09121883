import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRevocations1763850000200 implements MigrationInterface {
  name = 'CreateRevocations1763850000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE revocation (
      entry TEXT PRIMARY KEY,
      client_id TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      revoked_at BIGINT NOT NULL
    )`);
    await runner.query('CREATE INDEX revocation_expires_at ON revocation (expires_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE revocation');
  }
}
