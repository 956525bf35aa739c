import type { Request } from 'express';
import type { Authenticated } from '../auth/authenticated.js';
import { PageWhoAmIDocument } from '../generated/graphql.js';
import { run, type FlowStep } from './authorize-flow.js';
import { readCookies, setPageCookie, type CookieOptions } from './cookies.js';
import type { FlowParams } from './views.js';

/**
 * OpenID Connect's request parameters as the hosted pages act on them (Core §3.1.2.1): `prompt`,
 * `max_age`, and the member's `single_sign_on` flag. Identity checks them again when the request is
 * approved (AuthorizationService); the pages decide when to show the sign-in page instead of reusing
 * the browser's session.
 */

/** Which application the hosted session was signed in for (single_sign_on: false keeps it to that one). */
export const SESSION_CLIENT_COOKIE = 'mg_session_client';

export const promptOf = (params: FlowParams): ReadonlySet<string> =>
  new Set((params.prompt ?? '').split(' ').filter(Boolean));

/** Why the person must sign in again rather than reuse the browser's session; undefined: they need not. */
export async function signInAgainReason(step: FlowStep, caller: Authenticated): Promise<string | undefined> {
  const { params, req } = step;
  const principal = caller.principal;
  if (principal.kind !== 'user') return 'not a person';
  if (promptOf(params).has('login')) return 'prompt=login';
  const maxAge = params.max_age !== undefined && /^\d{1,9}$/.test(params.max_age) ? Number(params.max_age) : null;
  if (maxAge !== null && Math.floor(Date.now() / 1000) - principal.authTime > maxAge) return 'max_age';
  if (signedInFor(req) !== params.client_id) {
    const { me } = await run(step, caller, PageWhoAmIDocument);
    if (me && !me.sharingPreferences.singleSignOn) return 'single_sign_on is off';
  }
  return undefined;
}

function signedInFor(req: Request): string | undefined {
  return readCookies(req)[SESSION_CLIENT_COOKIE];
}

/** After a sign-in on these pages: which application it was for, as long as the session cookie lives. */
export function rememberSignInFor(step: FlowStep, options: CookieOptions & { readonly maxAgeSeconds: number }): void {
  if (step.params.client_id) setPageCookie(step.res, SESSION_CLIENT_COOKIE, step.params.client_id, options);
}

/**
 * The request as it goes on after a sign-in made for it: `prompt=login` and `max_age` are met by that
 * very sign-in (identity would otherwise refuse `login`, which only these pages can satisfy).
 */
export function satisfiedBySignIn(params: FlowParams): FlowParams {
  const { max_age: _met, prompt, ...rest } = params;
  const remaining = [...promptOf({ prompt: prompt ?? '' })].filter((value) => value !== 'login').join(' ');
  return remaining ? { ...rest, prompt: remaining } : rest;
}

/** An OpenID Connect error redirected to the (registered, already checked) redirect URI, with state and iss. */
export function redirectError(step: FlowStep, error: 'login_required' | 'consent_required', description: string) {
  const url = new URL(step.params.redirect_uri ?? '');
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (step.params.state !== undefined) url.searchParams.set('state', step.params.state);
  url.searchParams.set('iss', step.pages.issuer);
  step.res.redirect(303, url.toString());
}
