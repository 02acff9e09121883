import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usernames are unique case-insensitively (`CaseUser` and `caseuser` would be confusable
 * `preferred_username`s): `username_key` holds the lower-cased name under a unique index, and
 * sign-in looks it up. Accounts created before this migration whose names differ only by case
 * keep working for the oldest one; the others get a key suffixed with their id (they cannot sign
 * in until an admin renames them with PATCH /admin/users/{id}).
 */
export class UsernameKey1764460000000 implements MigrationInterface {
  name = 'UsernameKey1764460000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE app_user ADD COLUMN username_key TEXT');
    await runner.query(`UPDATE app_user SET username_key = CASE
      WHEN EXISTS (SELECT 1 FROM app_user older WHERE LOWER(older.username) = LOWER(app_user.username)
        AND (older.created_at < app_user.created_at OR (older.created_at = app_user.created_at AND older.id < app_user.id)))
      THEN LOWER(username) || '#' || id
      ELSE LOWER(username) END`);
    if (runner.connection.options.type === 'postgres') await runner.query('ALTER TABLE app_user ALTER COLUMN username_key SET NOT NULL');
    await runner.query('CREATE UNIQUE INDEX app_user_username_key_idx ON app_user (username_key)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX app_user_username_key_idx');
    await runner.query('ALTER TABLE app_user DROP COLUMN username_key');
  }
}
