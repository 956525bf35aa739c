import type { UserPrincipal } from '../auth/principal.js';
import { AppError } from '../errors/index.js';
import type { SubgraphContext } from './context.js';

/**
 * The signed-in system administrator calling a resolver. Shield admits only them where this is used;
 * it narrows the principal's type and stands guard should a rule be missing.
 */
export function systemAdministrator(context: SubgraphContext): UserPrincipal {
  if (context.principal.kind !== 'user' || context.principal.role !== 'SYSTEM_ADMIN') throw new AppError('FORBIDDEN');
  return context.principal;
}
