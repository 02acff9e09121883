/** A user of the local directory, as the admin API returns it (never the password or its hash). */
export interface UserRecord {
  id: string;
  username: string;
  email?: string;
  email_verified: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
  phone_number_verified: boolean;
  picture?: string;
  address?: Record<string, string>;
  roles: string[];
  groups: string[];
  customer_id?: string;
  customer_name?: string;
  domain?: string;
  enabled: boolean;
  created_at: number;
  updated_at: number;
}

export interface CreateUserRequest {
  user: Record<string, unknown>;
}

export interface UpdateUserRequest {
  id: string;
  patch: Record<string, unknown>;
}

export interface UserIdRequest {
  id: string;
}

/** What the browser brings: the request's parameters and its cookies (never interpreted by the gateway). */
export interface BrowserContext {
  /** The long-lived `argus_browser` cookie: binds pending requests to one browser (login CSRF). */
  browser_id: string;
  /** The `argus_session` cookie, when present. */
  session_token?: string;
  client_ip: string;
}

export interface AuthorizeRequest extends BrowserContext {
  params: Record<string, string>;
  repeated: string[];
}

export interface LoginRequest extends BrowserContext {
  request_id: string;
  csrf_token: string;
  username: string;
  password: string;
}

export interface ConsentRequest extends BrowserContext {
  request_id: string;
  csrf_token: string;
  decision: string;
}

export interface PendingRequestQuery {
  request_id: string;
  browser_id: string;
}

/** What the login and consent pages show. */
export interface PendingRequestView {
  request_id: string;
  csrf_token: string;
  client_name: string;
  client_id: string;
  scopes: string[];
  login_hint?: string;
  username?: string;
}

export type AuthorizeOutcome =
  | { kind: 'error_page'; error: string; error_description: string }
  | { kind: 'redirect'; redirect_uri: string; response_mode: 'query' | 'form_post'; params: Record<string, string> }
  | { kind: 'login'; request_id: string; error?: string }
  | { kind: 'consent'; request_id: string };

/** A session the gateway must set as the `argus_session` cookie. */
export interface IssuedSession {
  token: string;
  max_age: number;
}

export interface LoginOutcome {
  outcome: AuthorizeOutcome;
  session?: IssuedSession;
}

export interface ConsumeCodeRequest {
  code: string;
  client_id: string;
  redirect_uri?: string;
  code_verifier?: string;
}

/** What the token service needs to issue tokens for a redeemed code. */
export interface CodeGrant {
  grant_id: string;
  sub: string;
  scope: string[];
  nonce?: string;
  auth_time: number;
  sid: string;
  amr: string[];
  /** Identity claims for the ID token, already filtered by scope. */
  claims: Record<string, unknown>;
}

export interface UserinfoRequest {
  sub: string;
  scope: string[];
  /** The token's client: its platform rules (required role, current scope) are applied again. */
  client_id?: string;
}

export interface UserStatusRequest {
  id: string;
  /** When set, the user must also still be allowed to use this client (its required role, for its customer). */
  client_id?: string;
}

export interface ListUsersRequest {
  limit?: number;
  cursor?: string;
  /** Exact match, case-insensitive (usernames are unique case-insensitively). */
  username?: string;
}

export interface UserPage {
  items: UserRecord[];
  next_cursor?: string;
}

export interface EndSessionRequest {
  session_token?: string;
  /** The user confirmed on the sign-out page (a POST carrying that page's CSRF token). */
  confirmed?: boolean;
  id_token_hint?: string;
  post_logout_redirect_uri?: string;
  state?: string;
  client_id?: string;
}

export interface EndSessionOutcome {
  redirect_to?: string;
  /** Nothing ended yet: the user must confirm (the hint does not name the current session). */
  confirm?: boolean;
}
