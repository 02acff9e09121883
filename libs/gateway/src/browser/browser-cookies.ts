import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';

const BROWSER_COOKIE = 'argus_browser';
const SESSION_COOKIE = 'argus_session';

function secure(issuer: string): boolean {
  return issuer.startsWith('https:');
}

/**
 * On https the names carry the `__Host-` prefix (RFC 6265bis §4.1.3.2): the browser then only
 * accepts them Secure, Path=/ and without Domain, so a sibling subdomain cannot plant or shadow them.
 */
export function cookieName(issuer: string, name: typeof BROWSER_COOKIE | typeof SESSION_COOKIE): string {
  return secure(issuer) ? `__Host-${name}` : name;
}

/** Cookies are HttpOnly and SameSite=Lax always, Secure whenever the issuer is https. */
export function cookieOptions(issuer: string, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secure(issuer), maxAge };
}

/** The browser's id, created on first sight (it binds pending sign-in requests to this browser). */
export function browserId(request: FastifyRequest, reply: FastifyReply, issuer: string): string {
  const name = cookieName(issuer, BROWSER_COOKIE);
  const existing = request.cookies[name];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const id = randomBytes(32).toString('base64url');
  reply.setCookie(name, id, cookieOptions(issuer, 365 * 24 * 3600));
  request.cookies[name] = id;
  return id;
}

export function sessionToken(request: FastifyRequest, issuer: string): string | undefined {
  return request.cookies[cookieName(issuer, SESSION_COOKIE)] || undefined;
}

export function setSessionCookie(reply: FastifyReply, issuer: string, token: string, maxAge: number): void {
  reply.setCookie(cookieName(issuer, SESSION_COOKIE), token, cookieOptions(issuer, maxAge));
}

/** Same attributes as when set: a `__Host-` cookie is only replaced by a Secure one. */
export function clearSessionCookie(reply: FastifyReply, issuer: string): void {
  const { maxAge: _maxAge, ...attributes } = cookieOptions(issuer, 0);
  reply.clearCookie(cookieName(issuer, SESSION_COOKIE), attributes);
}
