import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { MemberProfileType } from './member-profile.types.js';
import { profileOwner } from './profile-owner.js';
import { updateOwnProfile } from './profile.service.js';
import { UpdateMyProfileInput } from './update-my-profile.input.js';

@Resolver()
export class MyProfileResolver {
  @Mutation(() => MemberProfileType, {
    description: "Updates the signed-in user's member profile, creating it if there is none",
  })
  async updateMyProfile(
    @Arg('input', () => UpdateMyProfileInput) input: UpdateMyProfileInput,
    @Ctx() context: SubgraphContext,
  ): Promise<MemberProfileType> {
    return MemberProfileType.from(await updateOwnProfile(context.em, profileOwner(context), input));
  }
}
