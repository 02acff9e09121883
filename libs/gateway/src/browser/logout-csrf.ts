import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The sign-out confirmation form's CSRF token, bound to the browser: derived from the browser-id
 * cookie (256 random bits, HttpOnly, SameSite=Lax), which another site can neither read nor send
 * with a cross-site POST. A one-way hash, so the page never reveals the cookie itself.
 */
export function logoutCsrfToken(browserId: string): string {
  return createHash('sha256').update(`argus sign-out confirmation\n${browserId}`).digest('base64url');
}

export function isLogoutCsrfToken(presented: string | undefined, browserId: string): boolean {
  const expected = Buffer.from(logoutCsrfToken(browserId));
  const actual = Buffer.from(presented ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
