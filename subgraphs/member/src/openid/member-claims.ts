import { allowedByFlags, CLAIM_RULES, type ProfileClaim, type ReleasedClaims } from '../../../../lib/oidc/claims.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import type { MemberAnswer, ReleaseTicket } from '../../../../lib/oidc/release-seal.js';
import type { ProfilePictureService } from '../picture/profile-picture.service.js';
import { ProfilePicture } from '../picture/profile-picture.entity.js';
import { Gender } from '../profile/gender.js';
import { MemberProfile } from '../profile/member-profile.entity.js';

/** OIDC Core §5.1 names `female` and `male` and allows other values; an undisclosed one is not said. */
const genderClaim: Record<Gender, string | undefined> = {
  [Gender.FEMALE]: 'female',
  [Gender.MALE]: 'male',
  [Gender.OTHER]: 'other',
  [Gender.UNDISCLOSED]: undefined,
};

/** Member's value of a claim it owns, or undefined when the member never said (left out, never null). */
async function valueOf(
  claim: ProfileClaim,
  profile: MemberProfile,
  em: EntityManager,
  pictures: ProfilePictureService,
): Promise<string | boolean | undefined> {
  switch (claim) {
    case 'picture': {
      if (profile.avatarUrl) return profile.avatarUrl;
      const uploaded = await em.findOne(ProfilePicture, { userId: profile.userId }, { fields: ['userId', 'sha256'] });
      return uploaded ? pictures.urlOf(uploaded) : undefined;
    }
    case 'gender':
      return profile.gender ? genderClaim[profile.gender] : undefined;
    case 'birthdate':
      return profile.birthDate ?? undefined;
    case 'locale':
      return profile.language ?? undefined;
    case 'phone_number':
      return profile.phone ?? undefined;
    case 'phone_number_verified':
      // No flow proves the personal phone (only the business one): it is never verified.
      return profile.phone ? false : undefined;
    default:
      return undefined;
  }
}

/**
 * What this member lets out of a ticket's claims: the sharing flags decide (a member who never set
 * them has the documented defaults, which a new MemberProfile carries), and member's own values of
 * the allowed claims it holds. Identity adds its own values of the allowed claims it holds.
 */
export async function answerTicket(
  em: EntityManager,
  pictures: ProfilePictureService,
  ticket: ReleaseTicket,
): Promise<Omit<MemberAnswer, 'expiresAt'>> {
  const stored = await em.findOne(MemberProfile, { userId: ticket.userId });
  const profile = stored ?? Object.assign(new MemberProfile(), { userId: ticket.userId });
  const allowed = allowedByFlags(ticket.claims, profile);
  const values: ReleasedClaims = {};
  for (const claim of allowed) {
    if (CLAIM_RULES[claim].owner !== 'member') continue;
    const value = await valueOf(claim, profile, em, pictures);
    if (value !== undefined) values[claim] = value;
  }
  return {
    ticketId: ticket.id,
    userId: ticket.userId,
    allowed,
    values,
    profileUpdatedAt: stored ? Math.floor(stored.updatedAt.getTime() / 1000) : null,
  };
}
