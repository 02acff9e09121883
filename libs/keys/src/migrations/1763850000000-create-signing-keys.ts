import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSigningKeys1763850000000 implements MigrationInterface {
  name = 'CreateSigningKeys1763850000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE signing_key (
      kid TEXT PRIMARY KEY,
      alg TEXT NOT NULL,
      status TEXT NOT NULL,
      public_jwk TEXT NOT NULL,
      private_jwe TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      activated_at BIGINT,
      retired_at BIGINT
    )`);
    // One active key per algorithm, enforced by the database so two instances cannot both create one.
    await runner.query(`CREATE UNIQUE INDEX signing_key_one_active ON signing_key (alg) WHERE status = 'active'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE signing_key');
  }
}
