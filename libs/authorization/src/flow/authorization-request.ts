import type { AuthorizeOutcome, RegisteredClient } from '@argus/contracts';
import { isScopeToken } from '@argus/oauth';
import { isValidCodeChallenge } from './pkce';
import { matchRegisteredRedirectUri } from './redirect-uri';

/** An authorization request that passed every check of RFC 6749 §4.1.1 and RFC 7636 §4.3. */
export interface ValidatedAuthorization {
  client_id: string;
  redirect_uri: string;
  /** Whether the request named redirect_uri (then the token request must repeat it, RFC 6749 §4.1.3). */
  redirect_uri_sent: boolean;
  response_mode: 'query' | 'form_post';
  scope: string[];
  state?: string;
  nonce?: string;
  code_challenge?: string;
  prompt: string[];
  max_age?: number;
  login_hint?: string;
}

const PROMPTS = new Set(['none', 'login', 'consent']);
/** Only the platform's own API may grant this scope: never through a user's consent. */
const NOT_USER_GRANTABLE = new Set(['argus:admin']);

/**
 * The longest value accepted per parameter, so that a stored sign-in request stays small (under
 * 4 KB) whoever sends it. Parameters not listed here are ignored (RFC 6749 §3.1) and not stored.
 */
export const MAX_PARAM_LENGTH: Readonly<Record<string, number>> = {
  client_id: 256,
  redirect_uri: 2048,
  state: 512,
  nonce: 256,
  login_hint: 256,
  scope: 1024,
  // RFC 7636 §4.2: a challenge is 43-128 characters (S256 always gives 43).
  code_challenge: 128,
  code_challenge_method: 16,
  response_type: 64,
  response_mode: 32,
  prompt: 64,
  max_age: 16,
  display: 16,
  ui_locales: 256,
  claims_locales: 256,
  acr_values: 256,
  claims: 2048,
  id_token_hint: 4096,
  request: 8192,
  request_uri: 2048,
};

function overLong(params: Readonly<Record<string, string>>, names: string[]): string | undefined {
  const name = names.find((n) => params[n] !== undefined && params[n].length > MAX_PARAM_LENGTH[n]);
  return name && `${name} is longer than ${MAX_PARAM_LENGTH[name]} characters`;
}

export type ValidationResult = { ok: ValidatedAuthorization } | { outcome: AuthorizeOutcome };

/**
 * RFC 6749 §4.1.2.1: a missing or unknown client, or a redirect URI that is missing, invalid or
 * not registered, is shown on an error page and never redirected; every later error goes back
 * to the client's redirect URI.
 */
export function validateAuthorizationRequest(
  params: Readonly<Record<string, string>>,
  repeated: readonly string[],
  client: RegisteredClient | null,
  issuer: string,
): ValidationResult {
  const errorPage = (error: string, description: string): ValidationResult => ({ outcome: { kind: 'error_page', error, error_description: description } });
  if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
    return errorPage('invalid_request', `parameter sent more than once: ${repeated.join(', ')}`);
  }
  if (!params.client_id) return errorPage('invalid_request', 'missing required parameter: client_id');
  // Before the client and its redirect URI are known good, an error is shown, never redirected.
  const tooLongTarget = overLong(params, ['client_id', 'redirect_uri']);
  if (tooLongTarget) return errorPage('invalid_request', tooLongTarget);
  if (!client) return errorPage('invalid_client', 'unknown client_id');
  if (!client.enabled) return errorPage('invalid_client', 'the client is disabled');

  let redirectUri = params.redirect_uri;
  if (!redirectUri) {
    if (client.redirect_uris.length !== 1) return errorPage('invalid_request', 'redirect_uri is required: the client has several registered');
    redirectUri = client.redirect_uris[0];
  } else if (!matchRegisteredRedirectUri(redirectUri, client.redirect_uris)) {
    return errorPage('invalid_request', 'redirect_uri does not match any URI registered for this client');
  }

  // An over-long state is not echoed (it would not fit a redirect's Location header); the error
  // about it still goes to the client, as RFC 6749 §4.1.2.1 asks for every non-client error.
  const state = params.state && params.state.length <= MAX_PARAM_LENGTH.state ? params.state : undefined;
  const responseMode = params.response_mode === 'form_post' ? 'form_post' : 'query';
  const fail = (error: string, description: string): ValidationResult => ({
    outcome: {
      kind: 'redirect',
      redirect_uri: redirectUri,
      response_mode: responseMode,
      params: { error, error_description: description, ...(state ? { state } : {}), iss: issuer },
    },
  });

  if (repeated.length > 0) return fail('invalid_request', `parameter sent more than once: ${repeated.join(', ')}`);
  const tooLong = overLong(params, Object.keys(MAX_PARAM_LENGTH));
  if (tooLong) return fail('invalid_request', tooLong);
  if (params.response_mode && !['query', 'form_post'].includes(params.response_mode)) {
    return fail('invalid_request', `response_mode "${params.response_mode}" is not supported`);
  }
  if (!params.response_type) return fail('invalid_request', 'missing required parameter: response_type');
  if (params.response_type !== 'code') return fail('unsupported_response_type', `response_type "${params.response_type}" is not supported`);
  if (!client.grant_types.includes('authorization_code')) {
    return fail('unauthorized_client', 'the client is not registered for the authorization_code grant');
  }

  const requested = (params.scope ?? '').split(' ').filter(Boolean);
  const badToken = requested.find((s) => !isScopeToken(s));
  if (badToken) return fail('invalid_scope', `scope contains an invalid scope-token: "${badToken}"`);
  const clientScopes = new Set(client.scope.split(' ').filter(Boolean));
  // DESIGN.md: granted = requested ∩ client ∩ user-grantable.
  const scope = [...new Set(requested)].filter((s) => clientScopes.has(s) && !NOT_USER_GRANTABLE.has(s));

  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (challenge !== undefined || method !== undefined) {
    if ((method ?? 'plain') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not allowed)');
    if (!challenge || !isValidCodeChallenge(challenge)) return fail('invalid_request', 'code_challenge must be a 43-character base64url S256 value');
  } else if (client.token_endpoint_auth_method === 'none') {
    return fail('invalid_request', 'PKCE (code_challenge with S256) is required for public clients');
  }

  const prompt = (params.prompt ?? '').split(' ').filter(Boolean);
  const unknownPrompt = prompt.find((p) => !PROMPTS.has(p));
  if (unknownPrompt) return fail('invalid_request', `prompt value "${unknownPrompt}" is not supported`);
  if (prompt.includes('none') && prompt.length > 1) return fail('invalid_request', 'prompt=none cannot be combined with other values');

  let maxAge: number | undefined;
  if (params.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(params.max_age)) return fail('invalid_request', 'max_age must be a non-negative integer');
    maxAge = Number(params.max_age);
  }
  if (params.request || params.request_uri) return fail('request_not_supported', 'request objects are not supported');

  return {
    ok: {
      client_id: client.client_id,
      redirect_uri: redirectUri,
      redirect_uri_sent: params.redirect_uri !== undefined && params.redirect_uri !== '',
      response_mode: responseMode,
      scope,
      state,
      nonce: params.nonce || undefined,
      code_challenge: challenge,
      prompt,
      max_age: maxAge,
      login_hint: params.login_hint || undefined,
    },
  };
}
