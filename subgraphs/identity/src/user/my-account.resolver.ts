import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { UpdateMyAccountInput } from './my-account.input.js';
import { updateMyAccount } from './my-account.service.js';
import { UserType } from './user.types.js';

@Resolver()
export class MyAccountResolver {
  @Mutation(() => UserType, { description: "Changes the signed-in user's own account (today: the name)" })
  async updateMyAccount(
    @Arg('input', () => UpdateMyAccountInput) input: UpdateMyAccountInput,
    @Ctx() context: SubgraphContext,
  ): Promise<UserType> {
    return UserType.from(await updateMyAccount(context.em, signedInUser(context), input, context.origin));
  }
}
