import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { UserType } from '../user/user.types.js';
import type { Provisioned, ProvisioningService } from './provisioning.service.js';
import {
  MemberDirectoryPageType,
  ProvisionAction,
  ProvisionedUserType,
  ProvisionUserInput,
} from './provisioning.types.js';

function provisioned(result: Provisioned): ProvisionedUserType {
  return Object.assign(new ProvisionedUserType(), {
    user: UserType.from(result.account),
    action: result.action === 'created' ? ProvisionAction.CREATED : ProvisionAction.UPDATED,
    idpUserId: result.account.id,
  });
}

/** The member directory and provisioning by subject (seed 000), for services and system admins. */
@Resolver()
export class ProvisioningResolver {
  constructor(private readonly provisioning: ProvisioningService) {}

  @Query(() => MemberDirectoryPageType, {
    description: 'Accounts matching a keyword (username, email, display name, sub)',
  })
  async members(
    @Ctx() context: SubgraphContext,
    @Arg('keyword', () => String, { nullable: true }) keyword: string | null,
    @Arg('limit', () => Int, { defaultValue: 500 }) limit: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<MemberDirectoryPageType> {
    const page = await this.provisioning.directory(context.em, { keyword, limit, offset });
    return Object.assign(new MemberDirectoryPageType(), { ...page, items: page.items.map((a) => UserType.from(a)) });
  }

  @Mutation(() => ProvisionedUserType, {
    description: 'Creates or updates the account of an identity-provider subject',
  })
  async upsertUserBySub(@Ctx() context: SubgraphContext, @Arg('input') input: ProvisionUserInput) {
    return provisioned(await this.provisioning.upsertBySub(context.em, context.principal, input, context.origin));
  }
}
