import { Field, InputType } from 'type-graphql';

/** Absent leaves the name as it is; null clears it. */
@InputType('UpdateMyAccountInput', { description: "Changes to the signed-in user's own account" })
export class UpdateMyAccountInput {
  @Field(() => String, {
    nullable: true,
    description:
      'The one name of the person everywhere (seed 004 full_name, seeds 000/003 display_name): 1 to 100 characters after trimming; null clears it',
  })
  displayName?: string | null;
}
