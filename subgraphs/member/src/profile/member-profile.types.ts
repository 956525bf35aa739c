import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Gender } from './gender.js';
import type { MemberProfile } from './member-profile.entity.js';

@ObjectType('MemberProfile', { description: "A member's self-described profile" })
export class MemberProfileType {
  @Field(() => String, { nullable: true, description: 'Full name as the member writes it' })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
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

  @Field()
  updatedAt!: Date;

  static from(row: MemberProfile): MemberProfileType {
    return Object.assign(new MemberProfileType(), {
      displayName: row.displayName ?? null,
      avatarUrl: row.avatarUrl ?? null,
      phone: row.phone ?? null,
      language: row.language ?? null,
      currency: row.currency ?? null,
      birthDate: row.birthDate ?? null,
      gender: row.gender ?? null,
      updatedAt: row.updatedAt,
    });
  }
}

/** Identity's User, extended here; `tenantId` comes from identity so shield can scope admins. */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class MemberUser {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  @Directive('@external')
  tenantId!: string;

  @Field(() => MemberProfileType, { nullable: true, description: 'The member profile, if the user has one' })
  @Directive('@requires(fields: "tenantId")')
  memberProfile?: MemberProfileType | null;
}
