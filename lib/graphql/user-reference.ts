import { isUuid } from '../db/uuid.js';
import type { SubgraphContext } from './context.js';

/** Identity's User as another subgraph may trust it: the key, and the facts identity sealed, if any. */
export interface UserReference {
  readonly id: string;
  readonly tenantId?: string;
  readonly sub?: string;
}

/**
 * `__resolveReference` of User in member, catalog and admin. The representation is whatever the
 * caller sent: only its key and identity's sealed `accessFacts` are believed. Without valid facts
 * the user is its id alone, so rules that need its tenant or subject refuse (the user itself is
 * still recognised by id against its verified token). An id that is no user id at all is no user.
 */
export function verifiedUserReference(
  representation: { readonly id?: unknown; readonly accessFacts?: unknown },
  context: SubgraphContext,
): UserReference | null {
  const { id } = representation;
  if (typeof id !== 'string' || !isUuid(id)) return null;
  const facts = context.userFacts.open(representation.accessFacts, id);
  return facts ? { id, tenantId: facts.tenantId, sub: facts.sub } : { id };
}
