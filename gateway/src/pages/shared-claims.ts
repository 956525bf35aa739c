import { isProfileClaim, type ProfileClaim } from '../../../lib/oidc/claims.js';

/** One line of the consent page's "it will learn" list; the page words it in its language. */
export interface SharedClaim {
  readonly name: ProfileClaim | 'sub';
  /** The value that would be released ('' for `sub`, which the list only names). */
  readonly value: string | boolean;
}

function shown(value: unknown): string | boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return new Date(value * 1000).toISOString().slice(0, 10);
  return String(value);
}

/**
 * What approving would share with an OpenID Connect application (identity and member computed it:
 * the scopes, and the member's sharing flags as they are now), worded for the consent page. Undefined
 * when the request is not an OpenID Connect one.
 */
export function sharedClaimsOf(found: {
  readonly sharedClaims: { readonly claims: string } | null;
}): SharedClaim[] | undefined {
  if (!found.sharedClaims) return undefined;
  const claims = JSON.parse(found.sharedClaims.claims) as Record<string, unknown>;
  const lines: SharedClaim[] = [{ name: 'sub', value: '' }];
  for (const [name, value] of Object.entries(claims)) {
    if (isProfileClaim(name)) lines.push({ name, value: shown(value) });
  }
  return lines;
}

/** The profile claims of the list (what the consent records as shown). */
export const claimNames = (shared: readonly SharedClaim[] | undefined): ProfileClaim[] =>
  (shared ?? []).flatMap((line) => (line.name === 'sub' ? [] : [line.name]));
