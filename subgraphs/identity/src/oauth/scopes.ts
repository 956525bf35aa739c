/**
 * What an application may ask of a user (seed 004 shows `"scope": "read write"`), and OpenID Connect's
 * scopes (lib/oidc/claims.ts): `openid` signs the user in to the application with an ID token, and
 * `profile`, `email`, `phone` name the claims it may learn, each still subject to the member's sharing
 * flags. The descriptions are what a consent page shows. Granted scopes travel in the access token's
 * `scope` claim.
 */
export const APPLICATION_SCOPES = {
  read: 'See your account: email, name, username and profile',
  write: 'Change your profile on your behalf',
  openid: 'Sign you in: learn your account identifier',
  profile: 'Learn what your sharing settings allow of your profile',
  email: 'Learn your e-mail address, if your sharing settings allow it',
  phone: 'Learn your phone number, if your sharing settings allow it',
} as const;

export type ApplicationScope = keyof typeof APPLICATION_SCOPES;
export const SUPPORTED_SCOPES = Object.keys(APPLICATION_SCOPES) as ApplicationScope[];

/** Granted when a request names no scope (RFC 6749 §3.3 lets the server choose a default). */
export const DEFAULT_SCOPES: readonly ApplicationScope[] = ['read'];

const isSupported = (scope: string): scope is ApplicationScope => Object.hasOwn(APPLICATION_SCOPES, scope);

export interface ParsedScope {
  /** Known scopes, without duplicates, in the canonical order of SUPPORTED_SCOPES. */
  readonly scopes: ApplicationScope[];
  /** Anything asked for that is not a scope of ours (the request then fails with invalid_scope). */
  readonly unknown: string[];
}

/** A space-delimited `scope` parameter (RFC 6749 §3.3); absent or blank means DEFAULT_SCOPES. */
export function parseScope(scope: string | null | undefined): ParsedScope {
  const asked = new Set((scope ?? '').split(' ').filter(Boolean));
  if (asked.size === 0) return { scopes: [...DEFAULT_SCOPES], unknown: [] };
  return {
    scopes: SUPPORTED_SCOPES.filter((s) => asked.has(s)),
    unknown: [...asked].filter((s) => !isSupported(s)),
  };
}

/** Whether every scope of `wanted` is in `granted`. */
export function covers(granted: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((scope) => granted.includes(scope));
}

/** The union of two grants, in canonical order. */
export function widen(granted: readonly string[], more: readonly string[]): ApplicationScope[] {
  return SUPPORTED_SCOPES.filter((s) => granted.includes(s) || more.includes(s));
}
