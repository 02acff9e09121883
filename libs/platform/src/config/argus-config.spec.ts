import { randomBytes } from 'node:crypto';
import { ArgusConfig, ConfigError, loadConfig } from './argus-config';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected loadConfig(${JSON.stringify(env)}) to fail`);
}

const KEK = randomBytes(32).toString('base64');
const POSTGRES = 'postgres://argus@db:5432/argus';

describe(loadConfig.name, () => {
  it('gives the documented standalone defaults for an empty environment (API.md "Environment")', () => {
    const config = loadConfig({});
    expect(config).toBeInstanceOf(ArgusConfig);
    expect(config).toMatchObject({
      ARGUS_ISSUER: 'http://localhost:3000',
      PORT: 3000,
      DATABASE_URL: 'sqlite:./data/argus.sqlite',
      ARGUS_TRUST_PROXY: 'false',
      ARGUS_ACCESS_TOKEN_TTL: 900,
      ARGUS_SECRET_CACHE_TTL: 300,
      ARGUS_AUTH_FAILURES_PER_MINUTE: 10,
      ARGUS_STRICT_AUDIT: true,
      LOG_LEVEL: 'info',
    });
    expect(config.NATS_URL).toBeUndefined();
    expect(config.ARGUS_KEK).toBeUndefined();
    expect(config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID).toBeUndefined();
    expect(config.distributed).toBe(false);
    expect(config.accessTokenAudience).toBe('http://localhost:3000');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', NATS_URL: '', ARGUS_KEK: '' })).toMatchObject({ PORT: 3000, NATS_URL: undefined, ARGUS_KEK: undefined });
  });

  it('converts numbers and booleans from their string form', () => {
    const config = loadConfig({
      PORT: '8080',
      ARGUS_ACCESS_TOKEN_TTL: '600',
      ARGUS_STRICT_AUDIT: 'false',
      ARGUS_ISSUER: 'https://id.example.com',
      ARGUS_ACCESS_TOKEN_AUDIENCE: 'https://api.example.com',
    });
    expect(config.PORT).toBe(8080);
    expect(config.ARGUS_ACCESS_TOKEN_TTL).toBe(600);
    expect(config.ARGUS_STRICT_AUDIT).toBe(false);
    expect(config.accessTokenAudience).toBe('https://api.example.com');
  });

  it('accepts the distributed topology: NATS with PostgreSQL, a KEK and bootstrap credentials', () => {
    const config = loadConfig({
      NATS_URL: 'nats://nats:4222',
      DATABASE_URL: POSTGRES,
      ARGUS_KEK: KEK,
      ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID: 'admin',
      ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: 'x'.repeat(32),
    });
    expect(config.distributed).toBe(true);
    expect(config.ARGUS_KEK).toBe(KEK);
  });

  // DESIGN.md "Operations": a bad value stops the process with a message that names the variable.
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['ARGUS_KEK', 'too-short'],
    ['ARGUS_KEK', randomBytes(16).toString('base64')],
    ['DATABASE_URL', 'mysql://db/argus'],
    ['DATABASE_URL', 'sqlite:'],
    ['ARGUS_ISSUER', 'id.example.com'],
    ['ARGUS_ISSUER', 'ftp://id.example.com'],
    ['ARGUS_ISSUER', 'https://id.example.com/?tenant=1'],
    ['ARGUS_ISSUER', 'https://id.example.com/#x'],
    ['NATS_URL', 'http://nats:4222'],
    ['LOG_LEVEL', 'loud'],
    ['ARGUS_ACCESS_TOKEN_TTL', '10'],
    ['ARGUS_AUTH_FAILURES_PER_MINUTE', '0'],
    ['ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID', 'has space'],
    ['ARGUS_LOGIN_FAILURES_PER_ACCOUNT', '0'],
    ['ARGUS_LOGIN_FAILURES_PER_ADDRESS', 'many'],
    ['ARGUS_LOGIN_LOCK_SECONDS', '0'],
    ['ARGUS_PASSWORD_HASH_CONCURRENCY', '0'],
  ])('rejects %s=%j naming the variable', (name, value) => {
    const env: Record<string, string> = { [name]: value };
    if (name === 'NATS_URL') env.DATABASE_URL = POSTGRES;
    if (name === 'ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID') env.ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET = 'x'.repeat(32);
    expect(configError(env).message).toContain(name);
  });

  it('names every bad variable at once', () => {
    const message = configError({ PORT: 'abc', ARGUS_KEK: 'short', DATABASE_URL: 'mysql://x' }).message;
    expect(message).toContain('PORT');
    expect(message).toContain('ARGUS_KEK');
    expect(message).toContain('DATABASE_URL');
  });

  it('rejects NATS_URL with a SQLite database (SQLite cannot be shared between processes)', () => {
    const message = configError({ NATS_URL: 'nats://nats:4222' }).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('NATS_URL');
  });

  it.each([
    [{ ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID: 'admin' }],
    [{ ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: 'x'.repeat(40) }],
  ])('rejects bootstrap admin credentials given by halves: %j', (env) => {
    const message = configError(env).message;
    expect(message).toContain('ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID');
    expect(message).toContain('ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET');
  });

  it('rejects a bootstrap secret shorter than 32 characters', () => {
    expect(configError({ ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID: 'admin', ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: 'short' }).message).toContain(
      'ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET',
    );
  });
});

describe('ARGUS_STRICT_AUDIT', () => {
  it.each(['yes', 'TRUE', 'on', 'flase'])('rejects %p instead of quietly turning strict audit off', (value) => {
    expect(() => loadConfig({ ARGUS_STRICT_AUDIT: value })).toThrow(/ARGUS_STRICT_AUDIT/);
  });

  it.each([['true', true], ['1', true], ['false', false], ['0', false]])('accepts %p', (value, expected) => {
    expect(loadConfig({ ARGUS_STRICT_AUDIT: value }).ARGUS_STRICT_AUDIT).toBe(expected);
  });
});

