import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { alignByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { MemberProfile } from './member-profile.entity.js';
import { MemberProfileType, MemberUser } from './member-profile.types.js';

@Resolver(() => MemberUser)
export class MemberUserResolver {
  @FieldResolver(() => MemberProfileType, { nullable: true })
  async memberProfile(@Root() user: MemberUser, @Ctx() context: SubgraphContext): Promise<MemberProfileType | null> {
    const row = await requestLoader<string, MemberProfile | undefined>(context, 'member.profileByUser', async (ids) =>
      alignByKey(ids, await context.em.find(MemberProfile, { userId: { $in: [...ids] } }), (p) => p.userId),
    ).load(user.id);
    return row ? MemberProfileType.from(row) : null;
  }
}

export const memberReferenceResolvers = {
  User: {
    // Only keys and @requires fields arrive here; field rules guard what is read.
    __resolveReference: (reference: { id: string; tenantId?: string }) => Object.assign(new MemberUser(), reference),
  },
};
