import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CodeGrant,
  ConsentRequest,
  ConsumeCodeRequest,
  CreateUserRequest,
  EndSessionOutcome,
  EndSessionRequest,
  LoginOutcome,
  LoginRequest,
  ListUsersRequest,
  PendingRequestQuery,
  PendingRequestView,
  UpdateUserRequest,
  UserIdRequest,
  UserinfoRequest,
  UserStatusRequest,
  UserPage,
  UserRecord,
} from './authorization.messages';

/** Users, login sessions, consent and authorization codes. */
export interface AuthorizationApi {
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>;
  pending(request: PendingRequestQuery): Promise<PendingRequestView>;
  login(request: LoginRequest): Promise<LoginOutcome>;
  consent(request: ConsentRequest): Promise<AuthorizeOutcome>;
  consumeCode(request: ConsumeCodeRequest): Promise<CodeGrant>;
  userinfo(request: UserinfoRequest): Promise<Record<string, unknown>>;
  /** Whether a user still exists and is enabled, and may still use `client_id` when given (refresh re-checks this). */
  userStatus(request: UserStatusRequest): Promise<{ active: boolean }>;
  endSession(request: EndSessionRequest): Promise<EndSessionOutcome>;
  createUser(request: CreateUserRequest): Promise<UserRecord>;
  getUser(request: UserIdRequest): Promise<UserRecord>;
  listUsers(request: ListUsersRequest): Promise<UserPage>;
  updateUser(request: UpdateUserRequest): Promise<UserRecord>;
  deleteUser(request: UserIdRequest): Promise<{ deleted: true }>;
}
