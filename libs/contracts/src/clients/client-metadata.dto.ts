import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { isIP } from 'node:net';
import { GRANT_TYPES } from './clients.messages';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];
const SCOPE_STRING = /^([\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*)?$/;

/** Schemes a redirect could never safely land on (RFC 9700 §4.1, RFC 8252 §7.1 allows private-use schemes only). */
const FORBIDDEN_REDIRECT_SCHEMES = ['javascript:', 'data:', 'file:', 'vbscript:', 'ftp:', 'about:', 'blob:', 'filesystem:'];

/** RFC 7591 §2 / RFC 8252 §7: an absolute URI without fragment or user info; http only for loopback hosts. */
export function redirectUriProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > 2000) return 'is longer than 2000 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URI`;
  }
  if (FORBIDDEN_REDIRECT_SCHEMES.includes(url.protocol)) return `"${value}" uses the forbidden scheme ${url.protocol}`;
  if (url.hash || value.includes('#')) return `"${value}" must not contain a fragment`;
  // RFC 3986 §3.2.1: user:password@ in a URI is deprecated and a phishing vector.
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value)) return `"${value}" must not contain user information (user:pass@)`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return `"${value}" must use https (http is allowed only for loopback)`;
  return undefined;
}

/**
 * A web origin as browsers send it in the Origin header (RFC 6454 §6.2): scheme://host[:port],
 * lower case, no default port, no path; https, or http for loopback hosts.
 */
export function originProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value === '*') return '"*" is not allowed; list each origin';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an origin (scheme://host[:port])`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" must be an http(s) origin`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return `"${value}" must use https (http is allowed only for loopback)`;
  if (url.origin !== value) return `"${value}" is not an origin: write it as ${url.origin} (no path, no trailing slash, lower case)`;
  return undefined;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function httpsUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return `"${value}" must be an https URL`;
  } catch {
    return `"${value}" is not an absolute URL`;
  }
  return undefined;
}

/** A CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a single address. */
export function ipRangeProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const [address, prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${value}" is not an IP address or CIDR range`;
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) return `"${value}" has an invalid prefix length`;
  }
  return undefined;
}

function EachSatisfies(problem: (value: unknown) => string | undefined, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'eachSatisfies',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => !Array.isArray(value) || value.every((v) => problem(v) === undefined),
        defaultMessage: (args) => {
          const bad = (args?.value as unknown[]).map(problem).find((p) => p !== undefined);
          return `${propertyName}: ${bad}`;
        },
      },
    });
}

function Satisfies(problem: (value: unknown) => string | undefined) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'satisfies',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => value === undefined || problem(value) === undefined,
        defaultMessage: (args) => `${propertyName}: ${problem(args?.value)}`,
      },
    });
}

/**
 * The client metadata a caller may send (RFC 7591 §2 names plus the platform's fields). Used by
 * the clients service to validate every create and update, and by the gateway's OpenAPI docs.
 */
export class ClientMetadataInput {
  @ApiPropertyOptional({ example: 'Billing service' })
  @IsOptional() @IsString() @MaxLength(200)
  client_name?: string;

  @ApiPropertyOptional({ type: [String], example: ['https://app.example.com/callback'] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @EachSatisfies(redirectUriProblem)
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], enum: GRANT_TYPES, example: ['client_credentials'] })
  @IsOptional() @IsArray() @IsIn(GRANT_TYPES as unknown as string[], { each: true, message: `grant_types: each value must be one of ${GRANT_TYPES.join(', ')}` })
  grant_types?: string[];

  @ApiPropertyOptional({ type: [String], enum: ['code'] })
  @IsOptional() @IsArray() @IsIn(['code'], { each: true, message: 'response_types: only "code" is supported' })
  response_types?: string[];

  @ApiPropertyOptional({ example: 'api:read api:write' })
  @IsOptional() @IsString() @MaxLength(2000) @Matches(SCOPE_STRING, { message: 'scope: must be space-separated RFC 6749 scope-tokens' })
  scope?: string;

  @ApiPropertyOptional({ enum: AUTH_METHODS, default: 'client_secret_basic' })
  @IsOptional() @IsIn(AUTH_METHODS, { message: `token_endpoint_auth_method: must be one of ${AUTH_METHODS.join(', ')}` })
  token_endpoint_auth_method?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @EachSatisfies(redirectUriProblem)
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional() @IsOptional() @Satisfies(httpsUrlProblem)
  jwks_uri?: string;

  @ApiPropertyOptional() @IsOptional() @Satisfies(httpsUrlProblem)
  client_uri?: string;

  @ApiPropertyOptional() @IsOptional() @Satisfies(httpsUrlProblem)
  logo_uri?: string;

  @ApiPropertyOptional() @IsOptional() @Satisfies(httpsUrlProblem)
  tos_uri?: string;

  @ApiPropertyOptional() @IsOptional() @Satisfies(httpsUrlProblem)
  policy_uri?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(320, { each: true })
  contacts?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  software_id?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100)
  software_version?: string;

  @ApiPropertyOptional({ enum: ['RS256', 'ES256'] })
  @IsOptional() @IsIn(['RS256', 'ES256'], { message: 'id_token_signed_response_alg: must be RS256 or ES256' })
  id_token_signed_response_alg?: string;

  @ApiPropertyOptional({ description: 'user id of the owner (self-service)' })
  @IsOptional() @IsString() @MaxLength(200)
  owner?: string;

  @ApiPropertyOptional({ description: 'a user must hold this role to authorize the client' })
  @IsOptional() @IsString() @MaxLength(200)
  required_role?: string;

  @ApiPropertyOptional({ description: 'customer for which required_role must be held' })
  @IsOptional() @IsString() @MaxLength(200)
  customer?: string;

  @ApiPropertyOptional({ type: [String], example: ['10.0.0.0/8'], description: 'CIDRs the token endpoint accepts this client from; empty = any' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @EachSatisfies(ipRangeProblem)
  allowed_ip_ranges?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.com'],
    description: 'web origins that may call the token, revocation, introspection and userinfo endpoints (CORS); unset or null = the origins of redirect_uris',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @EachSatisfies(originProblem)
  allowed_origins?: string[];

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean()
  skip_consent?: boolean;

  @ApiPropertyOptional({ minimum: 60, maximum: 86400 })
  @IsOptional() @IsInt() @Min(60) @Max(86400)
  access_token_ttl?: number;

  @ApiPropertyOptional({ minimum: 60, maximum: 7776000 })
  @IsOptional() @IsInt() @Min(60) @Max(7776000)
  refresh_token_ttl?: number;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean()
  enabled?: boolean;
}

export class RotateSecretInput {
  @ApiPropertyOptional({ minimum: 0, maximum: 2592000, default: 0, description: 'how long the previous secret stays valid' })
  @IsOptional() @IsInt() @Min(0) @Max(2592000)
  grace_period_seconds?: number;
}
