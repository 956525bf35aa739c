import type { Request, Response } from 'express';

/** The request's cookies (no dependency: the pages read two). */
export function readCookies(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      // A malformed value is as good as absent.
    }
  }
  return cookies;
}

export interface CookieOptions {
  /** Secure everywhere but development over plain http. */
  readonly secure: boolean;
  readonly maxAgeSeconds?: number;
}

/** HttpOnly, SameSite=Lax, path `/oauth`: a cookie of the hosted pages and nothing else. */
export function setPageCookie(res: Response, name: string, value: string, options: CookieOptions): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: '/oauth',
    ...(options.maxAgeSeconds !== undefined ? { maxAge: options.maxAgeSeconds * 1000 } : {}),
  });
}

export function clearPageCookie(res: Response, name: string, options: CookieOptions): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/oauth' });
}
