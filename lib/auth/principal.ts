/**
 * Who is calling. Built once per request from a verified credential; graphql-shield rules and services
 * read only this. Plain data so that rules stay plain functions of it.
 */
export type Role = 'SYSTEM_ADMIN' | 'GROUP_ADMIN' | 'USER';
export const roles: readonly Role[] = ['SYSTEM_ADMIN', 'GROUP_ADMIN', 'USER'];

export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly scopes: readonly string[];
  readonly sessionId: string;
  readonly tokenId: string;
  /** Authentication methods (RFC 8176): pwd, otp, ... */
  readonly amr: readonly string[];
  readonly authTime: number;
  /** The token's `iat` and `exp` (epoch seconds). */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /**
   * Set when a third-party application holds the token (OAuth code flow): the user's own access,
   * narrowed to the granted `scopes` (read, write) and the mutations subgraphs open to applications.
   */
  readonly clientId?: string;
  /** The `kid` of the key that signed the token: a withdrawn key's tokens are refused (withdrawn-keys.ts). */
  readonly keyId?: string;
}

export interface ServicePrincipal {
  readonly kind: 'service';
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** As a user's; absent for an API client the gateway knows by its keys rather than a token. */
  readonly keyId?: string;
}

export interface AnonymousPrincipal {
  readonly kind: 'anonymous';
}

export type Principal = UserPrincipal | ServicePrincipal | AnonymousPrincipal;

export const anonymous: AnonymousPrincipal = Object.freeze({ kind: 'anonymous' });

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
