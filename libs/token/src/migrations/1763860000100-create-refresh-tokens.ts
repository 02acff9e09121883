import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRefreshTokens1763860000100 implements MigrationInterface {
  name = 'CreateRefreshTokens1763860000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE refresh_token (
      jti TEXT PRIMARY KEY,
      grant_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      sub TEXT NOT NULL,
      scope TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      rotated_at BIGINT,
      revoked_at BIGINT
    )`);
    await runner.query('CREATE INDEX refresh_token_grant ON refresh_token (grant_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE refresh_token');
  }
}
