import { hasRole, isAdmin } from '../auth/policies.js';
import type { UserPrincipal } from '../auth/principal.js';
import { AppError } from '../errors/index.js';
import type { SubgraphContext } from './context.js';

// Shield admits only these callers where the functions below are used; they narrow the principal's
// type for the resolver and stand guard should a rule be missing.

/** The signed-in system administrator calling a resolver. */
export function systemAdministrator(context: SubgraphContext): UserPrincipal {
  if (!hasRole(context.principal, 'SYSTEM_ADMIN')) throw new AppError('FORBIDDEN');
  return context.principal;
}

/** The signed-in administrator (system or group) calling a resolver. */
export function administrator(context: SubgraphContext): UserPrincipal {
  if (!isAdmin(context.principal)) throw new AppError('FORBIDDEN');
  return context.principal;
}
