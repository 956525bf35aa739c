import type { OptionalProps } from '@mikro-orm/postgresql';
import { placeholders, timestamp, type RowReader } from '../../../../lib/db/rows.js';
import type { Gender } from './gender.js';
import type { MemberProfile } from './member-profile.entity.js';

/** A profile's columns, read as an entity or as a row: what MemberProfile and SharingPreferences show. */
export type ProfileColumns = Omit<MemberProfile, typeof OptionalProps>;

interface ProfileRow {
  readonly user_id: string;
  readonly tenant_id: string;
  readonly avatar_url: string | null;
  readonly phone: string | null;
  readonly language: string | null;
  readonly currency: string | null;
  /** `date`: text, as MikroORM reads it (YYYY-MM-DD). */
  readonly birth_date: string | null;
  readonly gender: Gender | null;
  readonly business_email: string | null;
  readonly business_email_verified_at: string | Date | null;
  readonly business_phone: string | null;
  readonly business_phone_verified_at: string | Date | null;
  readonly single_sign_on: boolean;
  readonly share_name: boolean;
  readonly share_gender: boolean;
  readonly share_birth_date: boolean;
  readonly share_email: boolean;
  readonly share_phone: boolean;
  readonly created_at: string | Date;
  readonly updated_at: string | Date;
}

/**
 * The profiles of these users, as rows (lib/db/rows.ts): `User.memberProfile` is on the path of every
 * federated request that asks for it, and its answer is a GraphQL type, never an entity to change.
 */
export async function readProfiles(reader: RowReader, userIds: readonly string[]): Promise<ProfileColumns[]> {
  const rows = await reader.select<ProfileRow>(
    `select user_id, tenant_id, avatar_url, phone, language, currency, birth_date, gender,
            business_email, business_email_verified_at, business_phone, business_phone_verified_at,
            single_sign_on, share_name, share_gender, share_birth_date, share_email, share_phone,
            created_at, updated_at
     from "${reader.schema}"."member_profile" where user_id in (${placeholders(userIds.length)})`,
    userIds,
  );
  return rows.map((row) => ({
    userId: row.user_id,
    tenantId: row.tenant_id,
    avatarUrl: row.avatar_url,
    phone: row.phone,
    language: row.language,
    currency: row.currency,
    birthDate: row.birth_date,
    gender: row.gender,
    businessEmail: row.business_email,
    businessEmailVerifiedAt: timestamp(reader, row.business_email_verified_at),
    businessPhone: row.business_phone,
    businessPhoneVerifiedAt: timestamp(reader, row.business_phone_verified_at),
    singleSignOn: row.single_sign_on,
    shareName: row.share_name,
    shareGender: row.share_gender,
    shareBirthDate: row.share_birth_date,
    shareEmail: row.share_email,
    sharePhone: row.share_phone,
    createdAt: timestamp(reader, row.created_at),
    updatedAt: timestamp(reader, row.updated_at),
  }));
}
