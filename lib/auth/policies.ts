import type { Principal, Role, UserPrincipal } from './principal.js';

/**
 * Authorization decisions as plain functions of the Principal. graphql-shield rules wrap these
 * (lib/graphql/shield.ts); services call them too. Keeping them framework-free makes a later move to
 * another authorization layer cheap.
 */
export function isSignedInUser(principal: Principal): principal is UserPrincipal {
  return principal.kind === 'user';
}

export function hasRole(principal: Principal, ...allowed: Role[]): principal is UserPrincipal {
  return principal.kind === 'user' && allowed.includes(principal.role);
}

export function isAdmin(principal: Principal): principal is UserPrincipal {
  return hasRole(principal, 'SYSTEM_ADMIN', 'GROUP_ADMIN');
}

export function hasScope(principal: Principal, scope: string): boolean {
  return principal.kind !== 'anonymous' && principal.scopes.includes(scope);
}

/** May the principal read data about this user? Self, a system admin, or an admin of its tenant. */
export function canAccessUser(principal: Principal, user: { id: string; tenantId?: string | null }): boolean {
  if (principal.kind !== 'user') return false;
  if (principal.userId === user.id) return true;
  if (principal.role === 'SYSTEM_ADMIN') return true;
  return principal.role === 'GROUP_ADMIN' && user.tenantId != null && user.tenantId === principal.tenantId;
}
