/**
 * OpenID Connect's vocabulary as membergraph speaks it, shared by identity (which signs ID tokens),
 * member (which owns the profile and the sharing flags) and the gateway (discovery, consent page).
 * OIDC Core §5.4 ties claims to scopes; seed 004's sharing flags (`/users/me/permissions`) then decide,
 * per member, which of those an application may learn.
 */

/** The scope that makes a request an OpenID Connect one (an ID token is issued). */
export const OPENID_SCOPE = 'openid';

/** The claim-bearing scopes of OIDC Core §5.4 this provider supports (`address` is not: nobody stores one). */
export const CLAIM_SCOPES = ['profile', 'email', 'phone'] as const;
export type ClaimScope = (typeof CLAIM_SCOPES)[number];

/** A member's sharing flag (member's MemberProfile column, seed 004's `share_*`). */
export type SharingFlag = 'shareName' | 'shareGender' | 'shareBirthDate' | 'shareEmail' | 'sharePhone';

/** Which subgraph holds a claim's value. */
export type ClaimOwner = 'identity' | 'member';

export interface ClaimRule {
  readonly scope: ClaimScope;
  /** The flag that must be on for the claim to be released; none: the scope and the consent decide. */
  readonly flag?: SharingFlag;
  readonly owner: ClaimOwner;
  /** How the consent page names it. */
  readonly label: string;
}

/**
 * Every profile claim this provider can release. `picture` goes with the name (a face names a person
 * as well); `locale` and `updated_at` say nothing about who the member is and have no flag.
 */
export const CLAIM_RULES = {
  name: { scope: 'profile', flag: 'shareName', owner: 'identity', label: 'Your name' },
  preferred_username: { scope: 'profile', flag: 'shareName', owner: 'identity', label: 'Your username' },
  picture: { scope: 'profile', flag: 'shareName', owner: 'member', label: 'Your profile picture' },
  gender: { scope: 'profile', flag: 'shareGender', owner: 'member', label: 'Your gender' },
  birthdate: { scope: 'profile', flag: 'shareBirthDate', owner: 'member', label: 'Your date of birth' },
  locale: { scope: 'profile', owner: 'member', label: 'Your language' },
  updated_at: { scope: 'profile', owner: 'identity', label: 'When you last changed your profile' },
  email: { scope: 'email', flag: 'shareEmail', owner: 'identity', label: 'Your e-mail address' },
  email_verified: {
    scope: 'email',
    flag: 'shareEmail',
    owner: 'identity',
    label: 'Whether your e-mail address is verified',
  },
  phone_number: { scope: 'phone', flag: 'sharePhone', owner: 'member', label: 'Your phone number' },
  phone_number_verified: {
    scope: 'phone',
    flag: 'sharePhone',
    owner: 'member',
    label: 'Whether your phone number is verified',
  },
} as const satisfies Record<string, ClaimRule>;

export type ProfileClaim = keyof typeof CLAIM_RULES;
export const PROFILE_CLAIMS = Object.keys(CLAIM_RULES) as ProfileClaim[];

/** The claims every ID token carries (OIDC Core §2, §3.1.3.6), whatever the scopes. */
export const ID_TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'at_hash'];

export const isProfileClaim = (name: string): name is ProfileClaim => Object.hasOwn(CLAIM_RULES, name);

/** The claims the granted scopes name (before any flag or consent), in canonical order. */
export function claimsOfScopes(scopes: readonly string[]): ProfileClaim[] {
  if (!scopes.includes(OPENID_SCOPE)) return [];
  return PROFILE_CLAIMS.filter((claim) => scopes.includes(CLAIM_RULES[claim].scope));
}

/** Of `claims`, those the member's flags let out. */
export function allowedByFlags(
  claims: readonly ProfileClaim[],
  flags: Readonly<Record<SharingFlag, boolean>>,
): ProfileClaim[] {
  return claims.filter((claim) => {
    const rule: ClaimRule = CLAIM_RULES[claim];
    return rule.flag === undefined || flags[rule.flag];
  });
}

/** A claim's value as released: JSON, never null (an unknown value is left out, not null-filled). */
export type ClaimValue = string | number | boolean;
export type ReleasedClaims = Partial<Record<ProfileClaim, ClaimValue>>;
