import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';

export const BROWSER_COOKIE = 'argus_browser';
export const SESSION_COOKIE = 'argus_session';

/** Cookies are HttpOnly and SameSite=Lax always, Secure whenever the issuer is https. */
export function cookieOptions(issuer: string, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: issuer.startsWith('https:'), maxAge };
}

/** The browser's id, created on first sight (it binds pending sign-in requests to this browser). */
export function browserId(request: FastifyRequest, reply: FastifyReply, issuer: string): string {
  const existing = request.cookies[BROWSER_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const id = randomBytes(32).toString('base64url');
  reply.setCookie(BROWSER_COOKIE, id, cookieOptions(issuer, 365 * 24 * 3600));
  request.cookies[BROWSER_COOKIE] = id;
  return id;
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE] || undefined;
}
