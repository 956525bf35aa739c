import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { AppError } from '../../../../lib/errors/index.js';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { MemberProfileType } from './member-profile.types.js';
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
    // Shield (signedIn) has already refused everyone else; this narrows the type.
    const { principal } = context;
    if (principal.kind !== 'user') throw new AppError('UNAUTHENTICATED');
    return MemberProfileType.from(await updateOwnProfile(context.em, principal, input));
  }
}
