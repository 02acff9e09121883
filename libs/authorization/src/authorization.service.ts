import {
  ClientsContract,
  EventTypes,
  KeysContract,
  type AuthorizationApi,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type BrowserContext,
  type ClientsApi,
  type CodeGrant,
  type ConsentRequest,
  type ConsumeCodeRequest,
  type CreateUserRequest,
  type EndSessionOutcome,
  type EndSessionRequest,
  type KeysApi,
  type LoginOutcome,
  type LoginRequest,
  type ListUsersRequest,
  type PendingRequestQuery,
  type PendingRequestView,
  type RegisteredClient,
  type UpdateUserRequest,
  type UserIdRequest,
  type UserinfoRequest,
  type UserStatusRequest,
  type UserPage,
  type UserRecord,
} from '@argus/contracts';
import { buildEvent, EventBus } from '@argus/events';
import { InvalidGrant, InvalidRequest, InvalidToken, NotFound, withQuery } from '@argus/oauth';
import { nowSeconds, PeriodicPurge } from '@argus/persistence';
import { ArgusConfig, LOGGER, type Logger } from '@argus/platform';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { AuthorizationCodeEntity, ConsentEntity, LoginSessionEntity, PendingRequestEntity } from './entities';
import { MAX_PARAM_LENGTH, validateAuthorizationRequest, type ValidatedAuthorization } from './flow/authorization-request';
import { verifiesS256 } from './flow/pkce';
import { LoginThrottle, type Lock } from './login/login-throttle';
import { claimsForScope } from './users/claims';
import { UserDirectory } from './users/user-directory';
import { UsersService } from './users/users.service';

const PENDING_TTL = 600; // a user gets 10 minutes to log in and consent
const SESSION_TTL = 8 * 3600;
const CODE_REPLAY_MEMORY = 24 * 3600;
/** Longest a token born from a grant may live; a replayed code's grant is denylisted that long. */
const GRANT_REVOCATION_TTL = 90 * 24 * 3600;

/** A pending request: the validated parameters plus what login has established so far. */
interface PendingState extends ValidatedAuthorization {
  logged_in_user?: string;
  /** Which page the request waits on: a login request cannot be answered by the consent form. */
  stage?: 'login' | 'consent';
}

/** What an authorization code is bound to (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3.2). */
interface CodeBinding {
  redirect_uri: string;
  redirect_uri_sent: boolean;
  code_challenge?: string;
  nonce?: string;
  user_id: string;
  scope: string[];
  auth_time: number;
  sid: string;
  grant_id: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const random = () => randomBytes(32).toString('base64url');

@Injectable()
export class AuthorizationService implements AuthorizationApi, OnModuleInit, OnApplicationShutdown {
  private readonly purger: PeriodicPurge;

  constructor(
    @InjectRepository(LoginSessionEntity, 'authorization') private readonly sessions: Repository<LoginSessionEntity>,
    @InjectRepository(PendingRequestEntity, 'authorization') private readonly pendingRequests: Repository<PendingRequestEntity>,
    @InjectRepository(AuthorizationCodeEntity, 'authorization') private readonly codes: Repository<AuthorizationCodeEntity>,
    @InjectRepository(ConsentEntity, 'authorization') private readonly consents: Repository<ConsentEntity>,
    @Inject(ClientsContract.token) private readonly clients: ClientsApi,
    @Inject(KeysContract.token) private readonly keys: KeysApi,
    private readonly users: UsersService,
    private readonly directory: UserDirectory,
    private readonly throttle: LoginThrottle,
    private readonly events: EventBus,
    private readonly config: ArgusConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.purger = new PeriodicPurge('authorization', () => this.purgeExpired(), logger);
  }

  onModuleInit(): void {
    this.purger.start(this.config.ARGUS_PURGE_INTERVAL);
  }

  onApplicationShutdown(): void {
    this.purger.stop();
  }

  /**
   * Deletes expired sign-in requests and sessions, and codes a day after they expired (kept that
   * long so a late replay is still recognised and revokes its grant).
   */
  async purgeExpired(now = nowSeconds()): Promise<void> {
    await this.pendingRequests.delete({ expiresAt: LessThan(now) });
    await this.sessions.delete({ expiresAt: LessThan(now) });
    await this.codes.delete({ expiresAt: LessThan(now - CODE_REPLAY_MEMORY) });
  }

  /** RFC 6749 §4.1.1 / OIDC Core §3.1.2.1 */
  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const clientId = request.params.client_id;
    const client = clientId && clientId.length <= MAX_PARAM_LENGTH.client_id ? await this.findClient(clientId) : null;
    const result = validateAuthorizationRequest(request.params, request.repeated, client, this.config.ARGUS_ISSUER);
    if ('outcome' in result) return result.outcome;
    return this.proceed(result.ok, client!, request);
  }

  async pending({ request_id, browser_id }: PendingRequestQuery): Promise<PendingRequestView> {
    const { entity, state } = await this.loadPending(request_id, browser_id);
    const client = await this.findClient(entity.clientId);
    return {
      request_id,
      csrf_token: entity.csrfToken,
      client_id: entity.clientId,
      client_name: client?.client_name ?? entity.clientId,
      scopes: state.scope,
      login_hint: state.login_hint,
    };
  }

  async login(request: LoginRequest): Promise<LoginOutcome> {
    const { entity, state } = await this.loadPending(request.request_id, request.browser_id, request.csrf_token, 'login');
    const refuse = (error: string): LoginOutcome => ({ outcome: { kind: 'login', request_id: entity.id, error } });
    // RFC 6749 §10.10: a locked username or address is refused before any argon2 work, even with
    // the right password; unknown usernames are counted and locked exactly like known ones.
    const lock = await this.throttle.lockFor(request.username, request.client_ip);
    if (lock) return refuse(lockedMessage(lock));
    const user = await this.directory.verifyPassword(request.username, request.password);
    if (!user) {
      // No username in the events: people type passwords into the username field.
      const failed = { client_id: entity.clientId, client_ip: request.client_ip };
      await this.publish(EventTypes.loginFailed, entity.clientId, failed);
      const nowLocked = await this.throttle.recordFailure(request.username, request.client_ip);
      if (nowLocked?.started) await this.publish(EventTypes.loginLocked, entity.clientId, { ...failed, reason: nowLocked.reason, lock_seconds: nowLocked.retry_after });
      return refuse(nowLocked ? lockedMessage(nowLocked) : 'Invalid username or password.');
    }
    await this.throttle.recordSuccess(request.username);
    const token = random();
    const now = nowSeconds();
    const session: LoginSessionEntity = { tokenHash: sha256(token), sid: randomUUID(), userId: user.id, authTime: now, expiresAt: now + SESSION_TTL };
    await this.sessions.insert(session);
    await this.publish(EventTypes.loginSucceeded, user.id, { sub: user.id, sid: session.sid, client_id: entity.clientId, client_ip: request.client_ip });
    const client = await this.findClient(entity.clientId);
    if (!client) return { outcome: { kind: 'error_page', error: 'invalid_client', error_description: 'unknown client_id' } };
    await this.pendingRequests.delete({ id: entity.id });
    const outcome = await this.proceed({ ...state, stage: undefined, logged_in_user: user.id }, client, { ...request, session_token: token });
    return { outcome, session: { token, max_age: SESSION_TTL } };
  }

  async consent(request: ConsentRequest): Promise<AuthorizeOutcome> {
    const { entity, state } = await this.loadPending(request.request_id, request.browser_id, request.csrf_token, 'consent');
    const client = await this.findClient(entity.clientId);
    const session = await this.findSession(request.session_token);
    // Consent answers only the request its page was shown for, by the user who was shown it.
    if (!client || !session || session.userId !== state.logged_in_user) {
      throw new InvalidRequest('the sign-in for this request has ended; start again');
    }
    const user = await this.directory.findById(session.userId);
    if (!user || !user.enabled) throw new InvalidRequest('the sign-in for this request has ended; start again');
    if (!holdsRequiredRole(user, client)) {
      await this.pendingRequests.delete({ id: entity.id });
      return this.errorRedirect(state, 'access_denied', 'the user lacks the role this client requires');
    }
    await this.pendingRequests.delete({ id: entity.id });
    if (request.decision !== 'allow') return this.errorRedirect(state, 'access_denied', 'the user denied the request');
    const existing = await this.consents.findOne({ where: { userId: session.userId, clientId: client.client_id } });
    const granted = [...new Set([...(existing?.scope.split(' ').filter(Boolean) ?? []), ...state.scope])];
    if (existing) await this.consents.update({ userId: session.userId, clientId: client.client_id }, { scope: granted.join(' '), grantedAt: nowSeconds() });
    else await this.consents.insert({ userId: session.userId, clientId: client.client_id, scope: granted.join(' '), grantedAt: nowSeconds() });
    await this.publish(EventTypes.consentGranted, session.userId, { sub: session.userId, client_id: client.client_id, scope: state.scope.join(' ') });
    return this.issueCode(state, session);
  }

  /**
   * RFC 6749 §4.1.3 and §10.5: single use, atomically; a second redemption revokes the grant.
   * Client, redirect_uri and PKCE are checked before the code is claimed, so a redemption that
   * fails them (another client, a wrong verifier) neither burns the code nor raises the alarm.
   */
  async consumeCode({ code, client_id, redirect_uri, code_verifier }: ConsumeCodeRequest): Promise<CodeGrant> {
    const codeHash = sha256(code);
    const now = nowSeconds();
    const entity = await this.codes.findOne({ where: { codeHash } });
    if (!entity) throw new InvalidGrant('the authorization code is invalid');
    const binding = JSON.parse(entity.binding) as CodeBinding;
    if (entity.clientId !== client_id) throw new InvalidGrant('the authorization code was issued to another client');
    if ((binding.redirect_uri_sent || redirect_uri !== undefined) && redirect_uri !== binding.redirect_uri) {
      throw new InvalidGrant('redirect_uri does not match the one of the authorization request');
    }
    if (binding.code_challenge) {
      if (!code_verifier || !verifiesS256(code_verifier, binding.code_challenge)) throw new InvalidGrant('code_verifier does not match the code_challenge');
    } else if (code_verifier !== undefined) {
      // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
      throw new InvalidGrant('code_verifier sent but the authorization request had no code_challenge');
    }
    const claimed = entity.consumedAt === null && entity.expiresAt >= now
      ? await this.codes.update({ codeHash, consumedAt: IsNull() }, { consumedAt: now })
      : { affected: 0 };
    if (!claimed.affected) {
      if (entity.consumedAt === null && entity.expiresAt < now) throw new InvalidGrant('the authorization code has expired');
      await this.publish(EventTypes.codeReplayed, binding.grant_id, { grant_id: binding.grant_id, client_id: entity.clientId, sub: binding.user_id });
      await this.publish(EventTypes.tokenRevoked, binding.grant_id, { grant_id: binding.grant_id, client_id: entity.clientId, exp: now + GRANT_REVOCATION_TTL });
      throw new InvalidGrant('the authorization code has already been used; tokens issued from it are revoked');
    }
    const user = await this.directory.findById(binding.user_id);
    if (!user || !user.enabled) throw new InvalidGrant('the user of this authorization code is no longer active');
    return {
      grant_id: binding.grant_id,
      sub: user.id,
      scope: binding.scope,
      nonce: binding.nonce,
      auth_time: binding.auth_time,
      sid: binding.sid,
      amr: ['pwd'],
      claims: claimsForScope(user, binding.scope),
    };
  }

  /** OIDC Core §5.3, with the platform rules applied again: the claims of scopes the client may still ask for. */
  async userinfo({ sub, scope, client_id }: UserinfoRequest): Promise<Record<string, unknown>> {
    const user = await this.directory.findById(sub);
    if (!user || !user.enabled) throw new InvalidToken('the user of this token no longer exists');
    if (client_id === undefined) return claimsForScope(user, scope);
    const client = await this.clientStillAllowed(user, client_id);
    // RFC 6750 §3.1: the grant behind the token no longer stands, so the token is invalid (401).
    if (!client) throw new InvalidToken('the user may no longer use the client this token was issued to');
    const allowed = new Set(client.scope.split(' '));
    return claimsForScope(user, scope.filter((s) => allowed.has(s)));
  }

  async userStatus({ id, client_id }: UserStatusRequest): Promise<{ active: boolean }> {
    const user = await this.directory.findById(id);
    if (!user || !user.enabled) return { active: false };
    return { active: client_id === undefined || (await this.clientStillAllowed(user, client_id)) !== null };
  }

  /** The client, while it exists and the user still holds the role it requires (DESIGN.md platform rules). */
  private async clientStillAllowed(user: UserRecord, clientId: string): Promise<RegisteredClient | null> {
    const client = await this.findClient(clientId);
    return client && holdsRequiredRole(user, client) ? client : null;
  }

  /**
   * OpenID Connect RP-Initiated Logout 1.0 §2-4. The session ends without asking only when the
   * id_token_hint is an ID token of this issuer for the current session (its `sub`, and its `sid`
   * when present); any other hint, or none, needs the user's confirmation.
   */
  async endSession(request: EndSessionRequest): Promise<EndSessionOutcome> {
    let clientId = request.client_id;
    const hint = request.id_token_hint ? await this.verifyIdTokenHint(request.id_token_hint) : undefined;
    if (hint) {
      if (clientId && clientId !== hint.aud) throw new InvalidRequest('client_id does not match the id_token_hint audience');
      clientId = hint.aud;
    }
    let redirectTo: string | undefined;
    if (request.post_logout_redirect_uri) {
      const client = clientId ? await this.findClient(clientId) : null;
      if (!client || !client.post_logout_redirect_uris.includes(request.post_logout_redirect_uri)) {
        throw new InvalidRequest('post_logout_redirect_uri is not registered for this client');
      }
      redirectTo = withQuery(request.post_logout_redirect_uri, request.state ? { state: request.state } : {});
    }
    const session = await this.findSession(request.session_token);
    if (session) {
      const hintNamesSession = hint !== undefined && hint.sub === session.userId && (hint.sid === undefined || hint.sid === session.sid);
      if (!hintNamesSession && !request.confirmed) return { confirm: true };
      await this.sessions.delete({ tokenHash: session.tokenHash });
      await this.publish(EventTypes.sessionEnded, session.userId, { sub: session.userId, sid: session.sid, client_id: clientId });
    }
    return { redirect_to: redirectTo };
  }

  createUser({ user }: CreateUserRequest): Promise<UserRecord> {
    return this.users.create(user);
  }

  getUser({ id }: UserIdRequest): Promise<UserRecord> {
    return this.users.get(id);
  }

  listUsers(request: ListUsersRequest): Promise<UserPage> {
    return this.users.list(request);
  }

  /** Publishes `user.updated` (names of the changed fields, never their values) so caches of the user's status drop it. */
  async updateUser({ id, patch }: UpdateUserRequest): Promise<UserRecord> {
    const before = await this.users.get(id);
    const after = await this.users.update(id, patch);
    const changed = Object.keys(after).filter((k) => k !== 'updated_at' && JSON.stringify(after[k as keyof UserRecord]) !== JSON.stringify(before[k as keyof UserRecord]));
    if (patch && typeof patch === 'object' && 'password' in patch) changed.push('password');
    await this.publish(EventTypes.userUpdated, id, { sub: id, enabled: after.enabled, changed });
    return after;
  }

  /** Publishes `user.deleted`: the user's tokens stop being active at once. */
  async deleteUser({ id }: UserIdRequest): Promise<{ deleted: true }> {
    await this.users.remove(id);
    await this.publish(EventTypes.userDeleted, id, { sub: id });
    return { deleted: true };
  }

  /** Login → platform rules → consent → code, asking the browser for whatever is missing. */
  private async proceed(state: PendingState, client: RegisteredClient, browser: BrowserContext): Promise<AuthorizeOutcome> {
    const session = await this.findSession(browser.session_token);
    const now = nowSeconds();
    const justLoggedIn = session !== null && state.logged_in_user === session.userId;
    // OIDC Core §3.1.2.1: max_age=0 is prompt=login.
    const tooOld = session !== null && state.max_age !== undefined && (state.max_age === 0 || now - session.authTime > state.max_age);
    if (!session || (!justLoggedIn && (state.prompt.includes('login') || tooOld))) {
      if (state.prompt.includes('none')) return this.errorRedirect(state, 'login_required', 'the user is not signed in');
      return this.askBrowser('login', state, browser);
    }
    const user = await this.directory.findById(session.userId);
    if (!user || !user.enabled) {
      await this.sessions.delete({ tokenHash: session.tokenHash });
      if (state.prompt.includes('none')) return this.errorRedirect(state, 'login_required', 'the user is not signed in');
      return this.askBrowser('login', state, browser);
    }
    if (!holdsRequiredRole(user, client)) {
      return this.errorRedirect(state, 'access_denied', `the user lacks the role this client requires`);
    }
    if (!client.skip_consent && (state.prompt.includes('consent') || !(await this.consentCovers(user.id, client.client_id, state.scope)))) {
      if (state.prompt.includes('none')) return this.errorRedirect(state, 'consent_required', 'the user has not consented to this client');
      return this.askBrowser('consent', { ...state, logged_in_user: user.id }, browser);
    }
    return this.issueCode(state, session);
  }

  private async issueCode(state: PendingState, session: LoginSessionEntity): Promise<AuthorizeOutcome> {
    const code = random();
    const binding: CodeBinding = {
      redirect_uri: state.redirect_uri,
      redirect_uri_sent: state.redirect_uri_sent,
      code_challenge: state.code_challenge,
      nonce: state.nonce,
      user_id: session.userId,
      scope: state.scope,
      auth_time: session.authTime,
      sid: session.sid,
      grant_id: randomUUID(),
    };
    await this.codes.insert({ codeHash: sha256(code), clientId: state.client_id, binding: JSON.stringify(binding), expiresAt: nowSeconds() + this.config.ARGUS_CODE_TTL, consumedAt: null });
    return this.redirect(state, { code });
  }

  private async askBrowser(kind: 'login' | 'consent', state: PendingState, browser: BrowserContext): Promise<AuthorizeOutcome> {
    const id = random();
    state = { ...state, stage: kind };
    await this.pendingRequests.insert({
      id,
      browserHash: sha256(browser.browser_id),
      csrfToken: random(),
      clientId: state.client_id,
      request: JSON.stringify(state),
      expiresAt: nowSeconds() + PENDING_TTL,
    });
    return { kind, request_id: id };
  }

  /** A pending request only exists for the browser that started it, and a form only counts with its CSRF token. */
  private async loadPending(
    id: string,
    browserId: string,
    csrfToken?: string,
    stage?: 'login' | 'consent',
  ): Promise<{ entity: PendingRequestEntity; state: PendingState }> {
    const entity = id ? await this.pendingRequests.findOne({ where: { id } }) : null;
    if (!entity || entity.expiresAt < nowSeconds() || !sameSecret(entity.browserHash, sha256(browserId))) {
      throw new InvalidRequest('this sign-in request is unknown or has expired; start again from the application');
    }
    if (csrfToken !== undefined && !sameSecret(entity.csrfToken, csrfToken)) {
      throw new InvalidRequest('the form was not submitted from this sign-in page (CSRF token mismatch)');
    }
    const state = JSON.parse(entity.request) as PendingState;
    if (stage && state.stage !== stage) throw new InvalidRequest(`this sign-in request is not waiting for ${stage}; start again`);
    return { entity, state };
  }

  private async findSession(token: string | undefined): Promise<LoginSessionEntity | null> {
    if (!token) return null;
    const session = await this.sessions.findOne({ where: { tokenHash: sha256(token) } });
    return session && session.expiresAt > nowSeconds() ? session : null;
  }

  private async consentCovers(userId: string, clientId: string, scope: string[]): Promise<boolean> {
    const consent = await this.consents.findOne({ where: { userId, clientId } });
    if (!consent) return false;
    const granted = new Set(consent.scope.split(' '));
    return scope.every((s) => granted.has(s));
  }

  private async findClient(clientId: string): Promise<RegisteredClient | null> {
    try {
      return await this.clients.get({ client_id: clientId });
    } catch (err) {
      if (err instanceof NotFound) return null;
      throw err;
    }
  }

  /**
   * An ID token this server signed (expired ones included, RP-Initiated Logout §2): `typ: JWT`
   * (access tokens are at+jwt, refresh tokens rt+jwt), this issuer, one audience, a subject.
   */
  private async verifyIdTokenHint(idToken: string): Promise<{ aud: string; sub: string; sid?: string }> {
    try {
      const { protectedHeader } = await compactVerify(idToken, createLocalJWKSet(await this.keys.jwks({}) as Parameters<typeof createLocalJWKSet>[0]));
      const claims = decodeJwt(idToken);
      const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
      if (protectedHeader.typ !== 'JWT' || claims.iss !== this.config.ARGUS_ISSUER || !audience || typeof claims.sub !== 'string') throw new Error('not an ID token');
      if (claims.sid !== undefined && typeof claims.sid !== 'string') throw new Error('not an ID token');
      if ('client_id' in claims || 'scope' in claims || 'token_use' in claims) throw new Error('not an ID token');
      return { aud: audience, sub: claims.sub, sid: claims.sid as string | undefined };
    } catch {
      throw new InvalidRequest('id_token_hint is not an ID token issued by this server');
    }
  }

  /** RFC 9207: `iss` on every authorization response; `state` echoed when sent. */
  private redirect(state: PendingState, params: Record<string, string>): AuthorizeOutcome {
    return {
      kind: 'redirect',
      redirect_uri: state.redirect_uri,
      response_mode: state.response_mode,
      params: { ...params, ...(state.state ? { state: state.state } : {}), iss: this.config.ARGUS_ISSUER },
    };
  }

  private errorRedirect(state: PendingState, error: string, description: string): AuthorizeOutcome {
    return this.redirect(state, { error, error_description: description });
  }

  private publish(type: string, subject: string, data: object): Promise<void> {
    return this.events.publish(buildEvent('authorization', type, subject, data));
  }
}

/** The same words for a locked username and a locked address: neither says whether the account exists. */
function lockedMessage(lock: Lock): string {
  const minutes = Math.ceil(lock.retry_after / 60);
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** DESIGN.md: `required_role`, held for the client's `customer` when it names one. */
function holdsRequiredRole(user: UserRecord, client: RegisteredClient): boolean {
  if (!client.required_role) return true;
  if (!user.roles.includes(client.required_role)) return false;
  return !client.customer || user.customer_id === client.customer;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
