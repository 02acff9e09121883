import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuthorization1763860000000 implements MigrationInterface {
  name = 'CreateAuthorization1763860000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE app_user (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      profile TEXT NOT NULL,
      enabled BOOLEAN NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`);
    await runner.query(`CREATE TABLE login_session (
      token_hash TEXT PRIMARY KEY,
      sid TEXT NOT NULL,
      user_id TEXT NOT NULL,
      auth_time BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    )`);
    await runner.query(`CREATE TABLE authorization_request (
      id TEXT PRIMARY KEY,
      browser_hash TEXT NOT NULL,
      csrf_token TEXT NOT NULL,
      client_id TEXT NOT NULL,
      request TEXT NOT NULL,
      expires_at BIGINT NOT NULL
    )`);
    await runner.query(`CREATE TABLE authorization_code (
      code_hash TEXT PRIMARY KEY,
      client_id TEXT NOT NULL,
      binding TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      consumed_at BIGINT
    )`);
    await runner.query(`CREATE TABLE consent (
      user_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      scope TEXT NOT NULL,
      granted_at BIGINT NOT NULL,
      PRIMARY KEY (user_id, client_id)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['consent', 'authorization_code', 'authorization_request', 'login_session', 'app_user']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
