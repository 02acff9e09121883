/** The wire form of an OAuth error: what crosses NATS and what the gateway serializes. */
export interface OAuthErrorBody {
  error: string;
  error_description?: string;
  status: number;
}

/**
 * One error hierarchy for the whole protocol core (RFC 6749 §5.2, §4.1.2.1, RFC 6750 §3.1,
 * RFC 7591 §3.2.2). `detail` is for logs only and is never serialized to a client.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly error_description: string,
    readonly status = 400,
    readonly detail?: string,
  ) {
    super(`${error}: ${error_description}`);
    this.name = new.target.name;
  }

  toBody(): OAuthErrorBody {
    return { error: this.error, error_description: this.error_description, status: this.status };
  }

  /** Rebuilds the same class from the wire form, so a remote error looks like a local one. */
  static fromBody(body: OAuthErrorBody): OAuthError {
    const Known = ERROR_CLASSES[body.error];
    const description = body.error_description ?? '';
    if (Known) return Object.assign(new Known(description), { status: body.status });
    return new OAuthError(body.error, description, body.status);
  }

  static isWireBody(value: unknown): value is OAuthErrorBody {
    if (!value || typeof value !== 'object') return false;
    const v = value as Record<string, unknown>;
    return typeof v.error === 'string' && typeof v.status === 'number';
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string, detail?: string) {
    super('invalid_request', description, 400, detail);
  }
}

/** RFC 6749 §5.2: 401 when the client authenticated with the Authorization header. */
export class InvalidClient extends OAuthError {
  constructor(description: string, detail?: string) {
    super('invalid_client', description, 401, detail);
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string, detail?: string) {
    super('invalid_grant', description, 400, detail);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string, detail?: string) {
    super('unauthorized_client', description, 400, detail);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super('unsupported_grant_type', description, 400);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', description, 400);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description: string) {
    super('access_denied', description, 403);
  }
}

export class UnsupportedTokenType extends OAuthError {
  constructor(description: string) {
    super('unsupported_token_type', description, 400);
  }
}

/** RFC 6750 §3.1 */
export class InvalidToken extends OAuthError {
  constructor(description: string) {
    super('invalid_token', description, 401);
  }
}

/**
 * RFC 6750 §3.1: a request with no Bearer credentials at all. Still 401 `invalid_token` in the
 * body, but the challenge carries no error code (the filter checks for this class).
 */
export class MissingBearerToken extends InvalidToken {}

/** RFC 6750 §3.1 */
export class InsufficientScope extends OAuthError {
  constructor(description: string) {
    super('insufficient_scope', description, 403);
  }
}

/** RFC 7591 §3.2.2 */
export class InvalidClientMetadata extends OAuthError {
  constructor(description: string) {
    super('invalid_client_metadata', description, 400);
  }
}

/** RFC 7591 §3.2.2 */
export class InvalidRedirectUri extends OAuthError {
  constructor(description: string) {
    super('invalid_redirect_uri', description, 400);
  }
}

export class NotFound extends OAuthError {
  constructor(description: string) {
    super('not_found', description, 404);
  }
}

export class ServerError extends OAuthError {
  constructor(detail?: string) {
    super('server_error', 'the server could not complete the request', 500, detail);
  }
}

export class TemporarilyUnavailable extends OAuthError {
  constructor(description: string) {
    super('temporarily_unavailable', description, 503);
  }
}

type DescriptionOnly = new (description: string) => OAuthError;

const ERROR_CLASSES: Record<string, DescriptionOnly> = {
  invalid_request: InvalidRequest,
  invalid_client: InvalidClient,
  invalid_grant: InvalidGrant,
  unauthorized_client: UnauthorizedClient,
  unsupported_grant_type: UnsupportedGrantType,
  invalid_scope: InvalidScope,
  access_denied: AccessDenied,
  unsupported_token_type: UnsupportedTokenType,
  invalid_token: InvalidToken,
  insufficient_scope: InsufficientScope,
  invalid_client_metadata: InvalidClientMetadata,
  invalid_redirect_uri: InvalidRedirectUri,
  not_found: NotFound,
  temporarily_unavailable: TemporarilyUnavailable,
};

/** Anything that is not an OAuthError becomes server_error; the original goes to `detail`. */
export function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  if (OAuthError.isWireBody(err)) return OAuthError.fromBody(err);
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ServerError(detail);
}
