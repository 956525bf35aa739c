import { Field, InputType, ObjectType } from 'type-graphql';
import type { ProfileColumns } from '../profile/profile-reads.js';
import type { SharingUpdate } from './sharing.service.js';

@ObjectType('SharingPreferences', { description: 'What the member lets applications they sign in to see' })
export class SharingPreferencesType {
  @Field({ description: 'Whether the member may sign in to applications with this account' })
  singleSignOn!: boolean;

  @Field()
  shareName!: boolean;

  @Field()
  shareGender!: boolean;

  @Field()
  shareBirthDate!: boolean;

  @Field()
  shareEmail!: boolean;

  @Field()
  sharePhone!: boolean;

  static from(row: ProfileColumns): SharingPreferencesType {
    return Object.assign(new SharingPreferencesType(), {
      singleSignOn: row.singleSignOn,
      shareName: row.shareName,
      shareGender: row.shareGender,
      shareBirthDate: row.shareBirthDate,
      shareEmail: row.shareEmail,
      sharePhone: row.sharePhone,
    });
  }
}

/** Every field optional: an absent preference stays as it is; null is refused (it is not a choice). */
@InputType('UpdateMySharingPreferencesInput', { description: 'Changes to what the signed-in member shares' })
export class UpdateMySharingPreferencesInput implements SharingUpdate {
  @Field(() => Boolean, { nullable: true })
  singleSignOn?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  shareName?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  shareGender?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  shareBirthDate?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  shareEmail?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  sharePhone?: boolean | null;
}
