import { createHash } from 'node:crypto';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { MemberProfile } from '../profile/member-profile.entity.js';
import { recordProfileUpdate } from '../profile/profile-events.js';
import type { ProfileOwner } from '../profile/profile-owner.js';
import { ensureProfile } from '../profile/profile.service.js';
import { detectPictureType } from './image-type.js';
import { picturePath } from './picture-path.js';
import { ProfilePicture } from './profile-picture.entity.js';

export interface PictureSettings {
  /** PROFILE_PICTURE_MAX_BYTES, of the decoded image. */
  readonly maxBytes: number;
  /** Public origin of the gateway, for absolute URLs. */
  readonly publicUrl: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function refused(message: string): AppError {
  return new AppError('VALIDATION_FAILED', `imageBase64 ${message}`, {
    details: { fields: [{ field: 'imageBase64', message }] },
  });
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The picture must be at most ${maxBytes} bytes`, {
    details: { maxBytes },
  });
}

/**
 * Uploaded profile pictures: stored in PostgreSQL (every replica serves them), at most one per
 * member, and the member's avatar while no explicit avatarUrl replaces it.
 */
export class ProfilePictureService {
  constructor(private readonly settings: PictureSettings) {}

  urlOf(picture: Pick<ProfilePicture, 'userId' | 'sha256'>): string {
    return `${this.settings.publicUrl}${picturePath(picture.userId, picture.sha256)}`;
  }

  /** The image bytes; PAYLOAD_TOO_LARGE (`details.maxBytes`) or VALIDATION_FAILED (not PNG/JPEG/WebP). */
  decode(imageBase64: string): { bytes: Buffer; contentType: string } {
    const { maxBytes } = this.settings;
    // Checked before decoding, so an oversized document costs no allocation of its own.
    if (imageBase64.length > Math.ceil(maxBytes / 3) * 4) throw tooLarge(maxBytes);
    if (imageBase64.length % 4 !== 0 || !BASE64.test(imageBase64)) throw refused('must be standard base64');
    const bytes = Buffer.from(imageBase64, 'base64');
    if (bytes.length === 0) throw refused('must not be empty');
    if (bytes.length > maxBytes) throw tooLarge(maxBytes);
    const contentType = detectPictureType(bytes);
    if (!contentType) throw refused('must be a PNG, JPEG or WebP image');
    return { bytes, contentType };
  }

  /** Stores the picture as the owner's avatar: it replaces the previous one and any explicit avatarUrl. */
  async setOwn(em: EntityManager, owner: ProfileOwner, imageBase64: string, now = new Date()): Promise<MemberProfile> {
    const { bytes, contentType } = this.decode(imageBase64);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return em.transactional(async (tx) => {
      const profile = await ensureProfile(tx, owner, now);
      await tx
        .createQueryBuilder(ProfilePicture)
        .insert({
          userId: owner.userId,
          tenantId: owner.tenantId,
          contentType,
          bytes,
          byteLength: bytes.length,
          sha256,
          uploadedAt: now,
        })
        .onConflict('userId')
        .merge()
        .execute();
      // One source of truth: the upload is the avatar now.
      tx.assign(profile, { avatarUrl: null, updatedAt: now });
      recordProfileUpdate(tx, owner, ['avatarUrl']);
      return profile;
    });
  }

  /** Removes the owner's avatar altogether: the uploaded picture and any explicit avatarUrl. */
  async removeOwn(em: EntityManager, owner: ProfileOwner, now = new Date()): Promise<MemberProfile> {
    return em.transactional(async (tx) => {
      const profile = await ensureProfile(tx, owner, now);
      await tx.nativeDelete(ProfilePicture, { userId: owner.userId });
      tx.assign(profile, { avatarUrl: null, updatedAt: now });
      recordProfileUpdate(tx, owner, ['avatarUrl']);
      return profile;
    });
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The picture a URL names, if it is still the member's current one; with its bytes when asked. */
export async function findPicture(
  em: EntityManager,
  userId: string,
  sha256: string,
  options: { withBytes: boolean },
): Promise<ProfilePicture | null> {
  // Malformed ids name nothing (and must not reach PostgreSQL as a uuid).
  if (!isUuid(userId) || !SHA256.test(sha256)) return null;
  return em.findOne(
    ProfilePicture,
    { userId: userId.toLowerCase(), sha256 },
    options.withBytes ? { populate: ['bytes'] } : {},
  );
}
