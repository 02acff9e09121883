import type { UserRecord } from '@argus/contracts';

/** API.md "Scopes and claims": which claims each scope releases (OIDC Core §5.4 plus the platform's). */
const CLAIMS_BY_SCOPE: Record<string, (user: UserRecord) => Record<string, unknown>> = {
  profile: (u) => ({
    name: u.name,
    given_name: u.given_name,
    family_name: u.family_name,
    preferred_username: u.username,
    picture: u.picture,
    updated_at: u.updated_at,
  }),
  email: (u) => ({ email: u.email, email_verified: u.email === undefined ? undefined : u.email_verified }),
  phone: (u) => ({ phone_number: u.phone_number, phone_number_verified: u.phone_number === undefined ? undefined : u.phone_number_verified }),
  address: (u) => ({ address: u.address }),
  roles: (u) => ({ roles: u.roles }),
  groups: (u) => ({ groups: u.groups }),
  groupstring: (u) => ({ groupstring: JSON.stringify(u.groups) }),
  customer: (u) => ({ customer_id: u.customer_id, customer_name: u.customer_name, domain: u.domain }),
};

/** `sub` plus the claims the granted scopes release; absent values are left out. */
export function claimsForScope(user: UserRecord, scope: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  for (const s of scope) {
    for (const [name, value] of Object.entries(CLAIMS_BY_SCOPE[s]?.(user) ?? {})) {
      if (value !== undefined && value !== null) claims[name] = value;
    }
  }
  return claims;
}
