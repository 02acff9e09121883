import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, Validate, validateSync } from 'class-validator';
import { TrustedProxyList } from './trusted-proxy-list';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
/** Only true/false/1/0: anything else stays a string and fails validation, naming the variable. */
const toBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1' || value === true) return true;
  if (value === 'false' || value === '0' || value === false) return false;
  return value;
};

/**
 * Every environment variable the apps read, validated at start. A bad value stops the
 * process with a message naming the variable.
 */
export class ArgusConfig {
  /** Issuer URL, exact (RFC 8414 §2: https, or http for local development). */
  @Matches(/^https?:\/\/[^?#]+$/, { message: 'ARGUS_ISSUER must be an http(s) URL without query or fragment' })
  ARGUS_ISSUER = 'http://localhost:3000';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString() @IsOptional()
  HOST = '0.0.0.0';

  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, { message: 'DATABASE_URL must be sqlite:<path> or postgres://…' })
  DATABASE_URL = 'sqlite:./data/argus.sqlite';

  /** Set → distributed topology (every contract bound to a NATS proxy). */
  @IsOptional() @Matches(/^(nats|tls):\/\/.+/, { message: 'NATS_URL must be nats://host:port' })
  NATS_URL?: string;

  /** 32 random bytes, base64: encrypts private signing keys at rest (AES-256-GCM). */
  @IsOptional() @Matches(/^[A-Za-z0-9+/_-]{43}=?$/, { message: 'ARGUS_KEK must be 32 bytes, base64-encoded' })
  ARGUS_KEK?: string;

  @IsOptional() @IsString()
  ARGUS_DATA_DIR = './data';

  @IsOptional() @Matches(/^[A-Za-z0-9._~-]{1,100}$/, { message: 'ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID must be 1-100 URL-safe characters' })
  ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID?: string;

  @IsOptional() @IsString() @Matches(/^.{32,}$/, { message: 'ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET must be at least 32 characters' })
  ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET?: string;

  /**
   * `false`, or a comma-separated list of proxy addresses/CIDRs (or `loopback`, `linklocal`,
   * `uniquelocal`) whose X-Forwarded-For entries are honoured: the client address is the
   * right-most one not added by a listed proxy. `true` is refused (it trusts the left-most
   * entry, which any caller can write).
   */
  @IsString() @Validate(TrustedProxyList)
  ARGUS_TRUST_PROXY = 'false';

  /** Set → /metrics and /docs are served only on this port (404 on PORT); /healthz and /readyz on both. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  ARGUS_OPS_PORT?: number;

  /**
   * Anonymous (pre-authentication) requests per source address and window at the gateway:
   * authorize, login, consent, logout. Per gateway process (memory); `0` disables.
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(1000000)
  ARGUS_RATE_LIMIT_ANONYMOUS = 600;

  /**
   * Requests per source address and window at the client-authenticated endpoints (token,
   * introspect, revoke, register): generous, since one service host legitimately sends thousands
   * of client-credentials requests a second. `0` disables.
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(10000000)
  ARGUS_RATE_LIMIT_CLIENT = 600000;

  /** Length of the rate-limit window, seconds. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  ARGUS_RATE_LIMIT_WINDOW = 60;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'ARGUS_NATS_SUBJECT_PREFIX must be 1-32 letters, digits, _ or -' })
  ARGUS_NATS_SUBJECT_PREFIX = 'argus';

  /** RFC 9068 `aud` of client-credentials access tokens when no resource is named. */
  @IsOptional() @IsString()
  ARGUS_ACCESS_TOKEN_AUDIENCE?: string;

  /** 15 minutes: short enough that a leaked token is worth little, long enough to cache. */
  @Transform(toInt) @IsInt() @Min(60) @Max(86400)
  ARGUS_ACCESS_TOKEN_TTL = 900;

  /** Access-token `nbf` is this many seconds before `iat`, so a resource server up to this far behind accepts a fresh token. */
  @Transform(toInt) @IsInt() @Min(0) @Max(300)
  ARGUS_NBF_BACKDATE_SECONDS = 5;

  /** How long a verified client secret is remembered (HMAC) so the hot path skips argon2id. */
  @Transform(toInt) @IsInt() @Min(0) @Max(3600)
  ARGUS_SECRET_CACHE_TTL = 300;

  /** Failed secret verifications allowed per (client_id, source address) per minute before argon2 is skipped. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10000)
  ARGUS_AUTH_FAILURES_PER_MINUTE = 10;

  /** Failed secret verifications allowed per source address per minute, whatever the client_id. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  ARGUS_AUTH_FAILURES_PER_ADDRESS_PER_MINUTE = 50;

  /**
   * argon2id verifications per client_id per minute for secrets not yet seen to verify (bounds an
   * attack from many addresses: 60 ≈ one a second, a few percent of a core).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  ARGUS_AUTH_VERIFICATIONS_PER_CLIENT_PER_MINUTE = 60;

  /** JWKS Cache-Control max-age; a new key is published at least this long before it signs. */
  @Transform(toInt) @IsInt() @Min(0) @Max(86400)
  ARGUS_JWKS_MAX_AGE = 300;

  /** How often expired denylist rows are purged. */
  @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  ARGUS_DENYLIST_PURGE_INTERVAL = 300;

  /** Authorization code lifetime (DESIGN.md: 60 s; RFC 6749 §4.1.2 recommends at most 10 minutes). */
  @Transform(toInt) @IsInt() @Min(1) @Max(600)
  ARGUS_CODE_TTL = 60;

  /** How often used-up rows (expired codes, sign-in requests, sessions, refresh tokens) are deleted. */
  @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  ARGUS_PURGE_INTERVAL = 300;

  /** Largest request body the gateway reads (bytes). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(1048576)
  ARGUS_MAX_BODY_BYTES = 65536;

  /** NATS queue group; defaults to the service name. */
  @IsOptional() @IsString()
  ARGUS_QUEUE_GROUP?: string;

  /**
   * Absolute lifetime of a refresh-token family (grant), 90 days: rotation renews each token, never
   * the grant, so a user is asked to sign in again at least this often (RFC 9700 §4.14.2).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(31536000)
  ARGUS_REFRESH_TOKEN_ABSOLUTE_TTL = 7776000;

  @Transform(toBool) @IsBoolean({ message: 'ARGUS_STRICT_AUDIT must be true or false' })
  ARGUS_STRICT_AUDIT = true;

  /** Failed sign-ins in a row for one username before its sign-in is locked (RFC 6749 §10.10). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  ARGUS_LOGIN_FAILURES_PER_ACCOUNT = 5;

  /** Failed sign-ins from one client address within an hour before that address is locked. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000000)
  ARGUS_LOGIN_FAILURES_PER_ADDRESS = 100;

  /** How long a locked username or address cannot sign in. */
  @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  ARGUS_LOGIN_LOCK_SECONDS = 900;

  /**
   * Password hashes computed or verified at once per authorization instance (argon2id shares the
   * CPU and libuv's pool with signing). 1: measured on 2 cores under 16 guessers, client
   * credentials kept 26% of its throughput with 1 and 7% with 2 (docs/benchmarks.md).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(64)
  ARGUS_PASSWORD_HASH_CONCURRENCY = 1;

  get distributed(): boolean {
    return this.NATS_URL !== undefined;
  }

  /** The configured first admin client, if both variables are set (loadConfig refuses only one). */
  get bootstrapAdmin(): { clientId: string; secret: string } | undefined {
    const clientId = this.ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID;
    const secret = this.ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET;
    return clientId && secret ? { clientId, secret } : undefined;
  }

  get accessTokenAudience(): string {
    return this.ARGUS_ACCESS_TOKEN_AUDIENCE ?? this.ARGUS_ISSUER;
  }
}

export class ConfigError extends Error {}

/** Validates an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ArgusConfig {
  const known = Object.keys(new ArgusConfig());
  const input: Record<string, unknown> = {};
  for (const key of [...known, 'NATS_URL', 'ARGUS_KEK', 'ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID', 'ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET', 'ARGUS_ACCESS_TOKEN_AUDIENCE', 'ARGUS_QUEUE_GROUP', 'ARGUS_OPS_PORT']) {
    if (env[key] !== undefined && env[key] !== '') input[key] = env[key];
  }
  const config = plainToInstance(ArgusConfig, input, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (m.includes(e.property) ? m : `${e.property}: ${m}`)));
  if (config.NATS_URL && config.DATABASE_URL.startsWith('sqlite:')) {
    problems.push('DATABASE_URL must be postgres://… when NATS_URL is set (SQLite cannot be shared between processes)');
  }
  if (Boolean(config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID) !== Boolean(config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET)) {
    problems.push('ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID and ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET must be set together');
  }
  if (config.ARGUS_OPS_PORT !== undefined && config.ARGUS_OPS_PORT === config.PORT) {
    problems.push('ARGUS_OPS_PORT must differ from PORT (it is a second listener for /metrics and /docs)');
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
