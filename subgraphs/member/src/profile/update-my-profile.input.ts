import { Field, InputType } from 'type-graphql';
import { Gender } from './gender.js';
import type { ProfileUpdate } from './profile.service.js';

/** Every field optional: an absent field stays as it is, an explicit null clears it. */
@InputType('UpdateMyProfileInput', { description: 'Changes to the signed-in member profile; null clears a field' })
export class UpdateMyProfileInput implements ProfileUpdate {
  @Field(() => String, { nullable: true, description: 'Absolute http(s) URL, at most 2048 characters' })
  avatarUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'E.164, e.g. +886912345678' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, stored in canonical form' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency code, stored upper case' })
  currency?: string | null;

  @Field(() => String, { nullable: true, description: 'Calendar date, YYYY-MM-DD, from 1900-01-01 to today' })
  birthDate?: string | null;

  @Field(() => Gender, { nullable: true })
  gender?: Gender | null;

  @Field(() => String, {
    nullable: true,
    description: 'Work e-mail address; a new address is unverified until confirmBusinessEmailVerification',
  })
  businessEmail?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Work phone, E.164; a new number is unverified until confirmBusinessPhoneVerification',
  })
  businessPhone?: string | null;
}
