import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { MemberProfile } from '../profile/member-profile.entity.js';
import { recordProfileUpdate } from '../profile/profile-events.js';
import type { ProfileOwner } from '../profile/profile-owner.js';
import { ensureProfile } from '../profile/profile.service.js';

/** seed 004 `/users/me/permissions`: what a member lets the applications they sign in to see. */
export const SHARING_FIELDS = [
  'singleSignOn',
  'shareName',
  'shareGender',
  'shareBirthDate',
  'shareEmail',
  'sharePhone',
] as const satisfies readonly (keyof MemberProfile)[];

export type SharingField = (typeof SHARING_FIELDS)[number];
export type SharingPreferences = Record<SharingField, boolean>;
/** Absent leaves a preference as it is; null is refused. */
export type SharingUpdate = { readonly [K in SharingField]?: boolean | null };

/** Only the preferences present, or VALIDATION_FAILED naming every null one (nothing is written then). */
export function validateSharingUpdate(input: SharingUpdate): Partial<SharingPreferences> {
  const changes: Partial<SharingPreferences> = {};
  const nulls: SharingField[] = [];
  for (const field of SHARING_FIELDS) {
    const value = input[field];
    if (value === null) nulls.push(field);
    else if (value !== undefined) changes[field] = value;
  }
  if (nulls.length > 0) {
    const fields = nulls.map((field) => ({ field, message: 'must be true or false' }));
    throw new AppError('VALIDATION_FAILED', fields.map((f) => `${f.field} ${f.message}`).join('; '), {
      details: { fields },
    });
  }
  return changes;
}

/** Changes the owner's preferences, creating the profile (with the default preferences) when missing. */
export async function updateOwnSharing(
  em: EntityManager,
  owner: ProfileOwner,
  input: SharingUpdate,
  now: Date = new Date(),
): Promise<MemberProfile> {
  const changes = validateSharingUpdate(input);
  return em.transactional(async (tx) => {
    const profile = await ensureProfile(tx, owner, now);
    tx.assign(profile, changes);
    recordProfileUpdate(tx, owner, Object.keys(changes));
    return profile;
  });
}
