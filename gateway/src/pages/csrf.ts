import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../../lib/crypto/constant-time.js';
import type { Request, Response } from 'express';
import { readCookies, setPageCookie, type CookieOptions } from './cookies.js';

export const CSRF_COOKIE = 'mg_csrf';
export const CSRF_FIELD = 'csrf_token';

/**
 * Double-submit token: a random value in an HttpOnly cookie, repeated in every form. A cross-site
 * form cannot read the cookie to repeat it; SameSite=Lax and the Origin check below add to that.
 */
export function csrfToken(req: Request, res: Response, options: CookieOptions): string {
  const existing = readCookies(req)[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setPageCookie(res, CSRF_COOKIE, token, options);
  return token;
}

/**
 * Whether a form POST carries the cookie's token and (when the browser says) came from our origin:
 * PUBLIC_URL's, or the one this request was addressed to (a gateway reached directly).
 */
export function csrfAccepted(req: Request, publicOrigin: string): boolean {
  const origin = req.get('origin');
  if (origin && origin !== publicOrigin && origin !== `${req.protocol}://${req.get('host') ?? ''}`) return false;
  const cookie = readCookies(req)[CSRF_COOKIE];
  const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (!cookie || typeof field !== 'string') return false;
  return constantTimeEqual(cookie, field);
}
