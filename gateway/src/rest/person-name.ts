import { AppError } from '../../../lib/errors/index.js';
import { checkDisplayName } from '../../../lib/people/display-name.js';
import { RestRenameMeDocument } from '../generated/graphql.js';
import type { RouteInput } from './route.js';

/** A change of the person's name, checked; `undefined` when the request leaves the name alone. */
export type NameChange = { readonly displayName: string | null } | undefined;

/**
 * The name a legacy body carries, checked by identity's rule before anything is written: a request
 * that also changes member fields must change nothing when its name is refused. Throws
 * VALIDATION_FAILED naming `displayName`, which each route renames to its legacy field.
 */
export function nameChange(raw: string | null | undefined): NameChange {
  if (raw === undefined) return undefined;
  if (raw === null) return { displayName: null };
  const name = checkDisplayName(raw);
  if (name.ok) return { displayName: name.value };
  throw new AppError('VALIDATION_FAILED', `displayName ${name.message}`, {
    details: { fields: [{ field: 'displayName', message: name.message }] },
  });
}

/** Writes the name in identity, the one place it lives (docs/legacy-contracts.md, "One name per person"). */
export async function writeName(graphql: RouteInput<unknown, unknown, unknown>['graphql'], change: NameChange) {
  if (change) await graphql(RestRenameMeDocument, { input: change });
}
