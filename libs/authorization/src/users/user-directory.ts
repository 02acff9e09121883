import type { UserRecord } from '@argus/contracts';

/**
 * Where users come from. The local directory is the first implementation; an upstream OIDC or
 * SAML identity provider can implement the same port later.
 */
export abstract class UserDirectory {
  /** The user when username and password match and the user is enabled; otherwise null (same cost either way). */
  abstract verifyPassword(username: string, password: string): Promise<UserRecord | null>;
  abstract findById(id: string): Promise<UserRecord | null>;
}
