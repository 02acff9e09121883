import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRefreshFamilyExpiry1763860000200 implements MigrationInterface {
  name = 'AddRefreshFamilyExpiry1763860000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE refresh_token ADD COLUMN family_expires_at BIGINT');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE refresh_token DROP COLUMN family_expires_at');
  }
}
