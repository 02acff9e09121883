import { epochSeconds } from '@argus/persistence';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'app_user' })
export class UserEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text', unique: true })
  username: string;

  /** The lower-cased username: unique, and what sign-in looks up (usernames are case-insensitive). */
  @Column({ type: 'text', name: 'username_key', unique: true })
  usernameKey: string;

  @Column({ type: 'text', name: 'password_hash' })
  passwordHash: string;

  /** Profile claims (email, name, phone, address, roles, groups, customer...) as JSON. */
  @Column({ type: 'text' })
  profile: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'bigint', name: 'created_at', transformer: epochSeconds })
  createdAt: number;

  @Column({ type: 'bigint', name: 'updated_at', transformer: epochSeconds })
  updatedAt: number;
}

/** A browser's login; the cookie holds a random token, the table only its SHA-256. */
@Entity({ name: 'login_session' })
export class LoginSessionEntity {
  @PrimaryColumn({ type: 'text', name: 'token_hash' })
  tokenHash: string;

  /** The `sid` claim: public, unlike the token. */
  @Column({ type: 'text' })
  sid: string;

  @Column({ type: 'text', name: 'user_id' })
  userId: string;

  @Column({ type: 'bigint', name: 'auth_time', transformer: epochSeconds })
  authTime: number;

  @Column({ type: 'bigint', name: 'expires_at', transformer: epochSeconds })
  expiresAt: number;
}

/** An authorization request waiting for login or consent. */
@Entity({ name: 'authorization_request' })
export class PendingRequestEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text', name: 'browser_hash' })
  browserHash: string;

  @Column({ type: 'text', name: 'csrf_token' })
  csrfToken: string;

  @Column({ type: 'text', name: 'client_id' })
  clientId: string;

  /** The validated request (ValidatedAuthorization) as JSON. */
  @Column({ type: 'text' })
  request: string;

  @Column({ type: 'bigint', name: 'expires_at', transformer: epochSeconds })
  expiresAt: number;
}

@Entity({ name: 'authorization_code' })
export class AuthorizationCodeEntity {
  @PrimaryColumn({ type: 'text', name: 'code_hash' })
  codeHash: string;

  @Column({ type: 'text', name: 'client_id' })
  clientId: string;

  /** Everything the code is bound to (CodeBinding) as JSON. */
  @Column({ type: 'text' })
  binding: string;

  @Column({ type: 'bigint', name: 'expires_at', transformer: epochSeconds })
  expiresAt: number;

  @Column({ type: 'bigint', name: 'consumed_at', nullable: true, transformer: epochSeconds })
  consumedAt: number | null;
}

@Entity({ name: 'consent' })
export class ConsentEntity {
  @PrimaryColumn({ type: 'text', name: 'user_id' })
  userId: string;

  @PrimaryColumn({ type: 'text', name: 'client_id' })
  clientId: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'bigint', name: 'granted_at', transformer: epochSeconds })
  grantedAt: number;
}

export const AUTHORIZATION_ENTITIES = [UserEntity, LoginSessionEntity, PendingRequestEntity, AuthorizationCodeEntity, ConsentEntity];
