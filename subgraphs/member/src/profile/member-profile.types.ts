import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { SharingPreferencesType } from '../sharing/sharing-preferences.types.js';
import { Gender } from './gender.js';
import type { ProfileColumns } from './profile-reads.js';

@ObjectType('MemberProfile', { description: "A member's self-described profile" })
export class MemberProfileType {
  /** Not a field: the avatar resolver finds the uploaded picture by it. */
  userId!: string;

  /** The explicit URL here; MemberProfileAvatarResolver falls back to the uploaded picture's URL. */
  @Field(() => String, {
    nullable: true,
    description: 'The explicit avatar URL if set, else the uploaded profile picture (absolute URL), else null',
  })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'E.164' })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag' })
  language!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency code' })
  currency!: string | null;

  @Field(() => String, { nullable: true, description: 'Calendar date, YYYY-MM-DD' })
  birthDate!: string | null;

  @Field(() => Gender, { nullable: true })
  gender!: Gender | null;

  @Field(() => String, { nullable: true, description: 'Work e-mail address; see businessEmailVerified' })
  businessEmail!: string | null;

  @Field({ description: 'Whether the member proved they receive mail at businessEmail (cleared when it changes)' })
  businessEmailVerified!: boolean;

  @Field(() => String, { nullable: true, description: 'Work phone, E.164; see businessPhoneVerified' })
  businessPhone!: string | null;

  @Field({ description: 'Whether the member proved they receive SMS at businessPhone (cleared when it changes)' })
  businessPhoneVerified!: boolean;

  @Field(() => SharingPreferencesType, { description: 'What the member lets applications see' })
  sharing!: SharingPreferencesType;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  static from(row: ProfileColumns): MemberProfileType {
    return Object.assign(new MemberProfileType(), {
      userId: row.userId,
      avatarUrl: row.avatarUrl ?? null,
      phone: row.phone ?? null,
      language: row.language ?? null,
      currency: row.currency ?? null,
      birthDate: row.birthDate ?? null,
      gender: row.gender ?? null,
      businessEmail: row.businessEmail ?? null,
      businessEmailVerified: Boolean(row.businessEmail && row.businessEmailVerifiedAt),
      businessPhone: row.businessPhone ?? null,
      businessPhoneVerified: Boolean(row.businessPhone && row.businessPhoneVerifiedAt),
      sharing: SharingPreferencesType.from(row),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  }
}

/**
 * Identity's User, extended here. Its tenant comes sealed by identity (`accessFacts`, see
 * lib/auth/user-facts.ts) so shield can scope admins without believing the caller.
 */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class MemberUser {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @Directive('@external')
  accessFacts?: string | null;

  /** From the verified facts only (lib/graphql/user-reference.ts); not a field of this subgraph. */
  tenantId?: string;

  @Field(() => MemberProfileType, { nullable: true, description: 'The member profile, if the user has one' })
  @Directive('@requires(fields: "accessFacts")')
  memberProfile?: MemberProfileType | null;
}
