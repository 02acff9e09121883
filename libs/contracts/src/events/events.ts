import { SUBJECT_PREFIX } from '../contract';

/** Event types (CloudEvents `type` is `argus.<area>.<event>`). */
export const EventTypes = {
  tokenIssued: 'token.issued',
  tokenRevoked: 'token.revoked',
  clientCreated: 'client.created',
  clientUpdated: 'client.updated',
  clientSecretRotated: 'client.secret_rotated',
  clientDeleted: 'client.deleted',
  keyRotated: 'key.rotated',
  tokenRefreshed: 'token.refreshed',
  refreshReuseDetected: 'token.refresh_reuse_detected',
  codeReplayed: 'token.code_replayed',
  loginSucceeded: 'user.login_succeeded',
  loginFailed: 'user.login_failed',
  loginLocked: 'user.login_locked',
  consentGranted: 'consent.granted',
  sessionEnded: 'user.logout',
  userUpdated: 'user.updated',
  userDeleted: 'user.deleted',
} as const;
export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

/** CloudEvents 1.0 JSON envelope. `data` never holds a secret, a code or a whole token. */
export interface CloudEvent<T = Record<string, unknown>> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: T;
}

export const EVENTS_STREAM = `${SUBJECT_PREFIX.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')}_EVENTS`;
export const EVENTS_SUBJECT_ROOT = `${SUBJECT_PREFIX}.events`;

export function eventSubject(type: string): string {
  return `${EVENTS_SUBJECT_ROOT}.${type}`;
}

export function cloudEventType(type: string): string {
  return `argus.${type}`;
}

export interface TokenIssuedData {
  jti: string;
  client_id: string;
  sub: string;
  scope: string;
  grant_type: string;
  client_ip: string;
  exp: number;
}

export interface TokenRevokedData {
  jti?: string;
  grant_id?: string;
  client_id: string;
  exp: number;
}

export interface ClientChangedData {
  client_id: string;
  enabled?: boolean;
  changed?: string[];
}

/** `user.updated` / `user.deleted`: ids and flags only, never a password or a profile claim. */
export interface UserChangedData {
  sub: string;
  enabled?: boolean;
  changed?: string[];
}
