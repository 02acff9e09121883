import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sign-in counters shared by every authorization instance (RFC 6749 §10.10). The layout is
 * rate-limiter-flexible's own (RateLimiterPostgres / RateLimiterSQLite, created here so that two
 * instances starting together do not race to create it): `expire` in epoch milliseconds.
 */
export class LoginThrottle1764460000001 implements MigrationInterface {
  name = 'LoginThrottle1764460000001';

  async up(runner: QueryRunner): Promise<void> {
    const keyType = runner.connection.options.type === 'postgres' ? 'VARCHAR(255)' : 'TEXT';
    await runner.query(`CREATE TABLE login_throttle (
      key ${keyType} PRIMARY KEY,
      points INTEGER NOT NULL DEFAULT 0,
      expire BIGINT
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE login_throttle');
  }
}
