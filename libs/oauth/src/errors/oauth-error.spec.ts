import {
  AccessDenied,
  InsufficientScope,
  InvalidClient,
  InvalidClientMetadata,
  InvalidGrant,
  InvalidRedirectUri,
  InvalidRequest,
  InvalidScope,
  InvalidToken,
  NotFound,
  OAuthError,
  ServerError,
  TemporarilyUnavailable,
  UnauthorizedClient,
  UnsupportedGrantType,
  UnsupportedTokenType,
  toOAuthError,
} from './oauth-error';

type DescriptionOnly = new (description: string) => OAuthError;

// RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2 error codes with their HTTP status.
const KNOWN: [DescriptionOnly, string, number][] = [
  [InvalidRequest, 'invalid_request', 400],
  [InvalidClient, 'invalid_client', 401],
  [InvalidGrant, 'invalid_grant', 400],
  [UnauthorizedClient, 'unauthorized_client', 400],
  [UnsupportedGrantType, 'unsupported_grant_type', 400],
  [InvalidScope, 'invalid_scope', 400],
  [AccessDenied, 'access_denied', 403],
  [UnsupportedTokenType, 'unsupported_token_type', 400],
  [InvalidToken, 'invalid_token', 401],
  [InsufficientScope, 'insufficient_scope', 403],
  [InvalidClientMetadata, 'invalid_client_metadata', 400],
  [InvalidRedirectUri, 'invalid_redirect_uri', 400],
  [NotFound, 'not_found', 404],
  [TemporarilyUnavailable, 'temporarily_unavailable', 503],
];

describe(OAuthError.name, () => {
  it.each(KNOWN)('%p carries %s and status %d', (ErrorClass, code, status) => {
    const err = new ErrorClass('why');
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toBeInstanceOf(Error);
    expect(err.error).toBe(code);
    expect(err.status).toBe(status);
    expect(err.name).toBe(ErrorClass.name);
    expect(err.message).toBe(`${code}: why`);
  });

  it.each(KNOWN)('%p survives toBody → JSON → fromBody with class, code, description and status', (ErrorClass, code, status) => {
    const wire = JSON.parse(JSON.stringify(new ErrorClass('the reason').toBody()));
    expect(wire).toEqual({ error: code, error_description: 'the reason', status });
    const rebuilt = OAuthError.fromBody(wire);
    expect(rebuilt).toBeInstanceOf(ErrorClass);
    expect(rebuilt.error).toBe(code);
    expect(rebuilt.error_description).toBe('the reason');
    expect(rebuilt.status).toBe(status);
  });

  it('keeps a status that differs from the class default (invalid_client may be 400 without Basic)', () => {
    const rebuilt = OAuthError.fromBody({ error: 'invalid_client', error_description: 'x', status: 400 });
    expect(rebuilt).toBeInstanceOf(InvalidClient);
    expect(rebuilt.status).toBe(400);
  });

  it('rebuilds an unknown code as a plain OAuthError with the same code and status', () => {
    const rebuilt = OAuthError.fromBody({ error: 'interaction_required', error_description: 'login', status: 400 });
    expect(rebuilt.constructor).toBe(OAuthError);
    expect(rebuilt.toBody()).toEqual({ error: 'interaction_required', error_description: 'login', status: 400 });
  });

  it('rebuilds a body without a description with an empty one', () => {
    expect(OAuthError.fromBody({ error: 'invalid_grant', status: 400 }).error_description).toBe('');
  });

  it('never serializes detail (logs only)', () => {
    const body = new InvalidClient('client authentication failed', 'wrong secret for billing').toBody();
    expect(body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed', status: 401 });
    expect(JSON.stringify(body)).not.toContain('wrong secret');
  });

  it.each([
    [{ error: 'x', status: 400 }, true],
    [{ error: 'x', error_description: 'y', status: 401 }, true],
    [{ error: 'x' }, false],
    [{ error: 400, status: 400 }, false],
    [{ message: 'Internal server error', status: 'error' }, false],
    [null, false],
    ['invalid_request', false],
  ])('isWireBody(%j) → %s', (value, expected) => {
    expect(OAuthError.isWireBody(value)).toBe(expected);
  });
});

describe(toOAuthError.name, () => {
  it('returns an OAuthError unchanged', () => {
    const err = new InvalidGrant('code expired');
    expect(toOAuthError(err)).toBe(err);
  });

  it('rebuilds a wire body (an error that crossed NATS) into its class', () => {
    const err = toOAuthError({ error: 'invalid_scope', error_description: 'nope', status: 400 });
    expect(err).toBeInstanceOf(InvalidScope);
    expect(err.error_description).toBe('nope');
  });

  it.each([
    [new TypeError('cannot read x of undefined'), 'TypeError: cannot read x of undefined'],
    [new Error('connection refused'), 'Error: connection refused'],
    ['a thrown string', 'a thrown string'],
    [42, '42'],
  ])('maps %p to server_error with the original in detail only', (thrownValue, detail) => {
    const err = toOAuthError(thrownValue);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.error).toBe('server_error');
    expect(err.status).toBe(500);
    expect(err.detail).toBe(detail);
    expect(JSON.stringify(err.toBody())).not.toContain(detail);
  });
});
