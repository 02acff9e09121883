import { ClientMetadataInput, type ClientMetadata } from '@argus/contracts';
import { InvalidClientMetadata, InvalidRedirectUri, type ClientAuthMethod } from '@argus/oauth';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

const REDIRECT_FIELDS = new Set(['redirect_uris', 'post_logout_redirect_uris']);

/**
 * Validates client metadata and fills RFC 7591 §2 defaults. Unknown members are ignored
 * (RFC 7591 §2: "MUST ignore any client metadata ... that it does not understand").
 */
export function normalizeClientMetadata(input: unknown): ClientMetadata {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidClientMetadata('the request body must be a JSON object of client metadata');
  }
  const dto = plainToInstance(ClientMetadataInput, input, { excludeExtraneousValues: false });
  const errors = validateSync(dto, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) throw metadataError(errors[0]);

  const grantTypes = unique(dto.grant_types ?? ['authorization_code']);
  const method = (dto.token_endpoint_auth_method ?? 'client_secret_basic') as ClientAuthMethod;
  const redirectUris = unique(dto.redirect_uris ?? []);
  const responseTypes = unique(dto.response_types ?? (grantTypes.includes('authorization_code') ? ['code'] : []));

  if (grantTypes.length === 0) throw new InvalidClientMetadata('grant_types: at least one grant type is required');
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    throw new InvalidRedirectUri('redirect_uris: the authorization_code grant needs at least one redirect URI');
  }
  if (responseTypes.includes('code') && !grantTypes.includes('authorization_code')) {
    throw new InvalidClientMetadata('response_types: "code" requires the authorization_code grant');
  }
  if (method === 'none' && grantTypes.includes('client_credentials')) {
    throw new InvalidClientMetadata('grant_types: a public client (token_endpoint_auth_method none) cannot use client_credentials');
  }
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) {
    throw new InvalidClientMetadata('grant_types: refresh_token needs the authorization_code grant');
  }

  return {
    client_name: dto.client_name,
    redirect_uris: redirectUris,
    grant_types: grantTypes,
    response_types: responseTypes,
    scope: unique((dto.scope ?? '').split(' ').filter(Boolean)).join(' '),
    token_endpoint_auth_method: method,
    post_logout_redirect_uris: unique(dto.post_logout_redirect_uris ?? []),
    jwks_uri: dto.jwks_uri,
    client_uri: dto.client_uri,
    logo_uri: dto.logo_uri,
    tos_uri: dto.tos_uri,
    policy_uri: dto.policy_uri,
    contacts: dto.contacts ?? [],
    software_id: dto.software_id,
    software_version: dto.software_version,
    id_token_signed_response_alg: dto.id_token_signed_response_alg,
    owner: dto.owner,
    required_role: dto.required_role,
    customer: dto.customer,
    allowed_ip_ranges: unique(dto.allowed_ip_ranges ?? []),
    // Absent (or null in an update) means "the origins of redirect_uris", kept in step with them.
    allowed_origins: dto.allowed_origins ? unique(dto.allowed_origins) : undefined,
    skip_consent: dto.skip_consent ?? false,
    access_token_ttl: dto.access_token_ttl,
    refresh_token_ttl: dto.refresh_token_ttl,
    enabled: dto.enabled ?? true,
  };
}

/**
 * The web origins that may call the token-style endpoints from a browser (CORS): the explicit
 * `allowed_origins`, or else the origins of the http(s) redirect URIs (like Keycloak's "+").
 * Private-use scheme redirects (native apps) have no web origin.
 */
export function corsOrigins(metadata: Pick<ClientMetadata, 'allowed_origins' | 'redirect_uris'>): string[] {
  if (metadata.allowed_origins) return metadata.allowed_origins;
  const origins = metadata.redirect_uris
    .map((uri) => new URL(uri))
    .filter((url) => url.protocol === 'https:' || url.protocol === 'http:')
    .map((url) => url.origin);
  return unique(origins);
}

/** Accepted but discouraged metadata, returned to the registrant as `warnings`. */
export function registrationWarnings(metadata: Pick<ClientMetadata, 'redirect_uris' | 'post_logout_redirect_uris'>): string[] {
  const warnings: string[] = [];
  for (const field of ['redirect_uris', 'post_logout_redirect_uris'] as const) {
    for (const uri of metadata[field]) {
      // RFC 8252 §8.3: "localhost" may resolve elsewhere; loopback IP literals are recommended.
      if (new URL(uri).hostname === 'localhost') {
        warnings.push(`${field}: "${uri}" uses localhost, which is NOT RECOMMENDED (RFC 8252 §8.3); use http://127.0.0.1 or http://[::1] instead`);
      }
    }
  }
  return warnings;
}

/** The first failed rule, named by field; redirect URI fields get invalid_redirect_uri (RFC 7591 §3.2.2). */
function metadataError(error: ValidationError) {
  const message = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  const description = message.startsWith(`${error.property}:`) ? message : `${error.property}: ${message}`;
  return REDIRECT_FIELDS.has(error.property) ? new InvalidRedirectUri(description) : new InvalidClientMetadata(description);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
