import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { alignByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { verifiedUserReference } from '../../../../lib/graphql/user-reference.js';
import { MemberProfile } from './member-profile.entity.js';
import { readProfiles, type ProfileColumns } from './profile-reads.js';
import { SharingPreferencesType } from '../sharing/sharing-preferences.types.js';
import { MemberProfileType, MemberUser } from './member-profile.types.js';

function profileOf(user: MemberUser, context: SubgraphContext): Promise<ProfileColumns | undefined> {
  return requestLoader<string, ProfileColumns | undefined>(context, 'member.profileByUser', async (ids) =>
    alignByKey(ids, await readProfiles(context.rows, ids), (p) => p.userId),
  ).load(user.id);
}

@Resolver(() => MemberUser)
export class MemberUserResolver {
  @FieldResolver(() => MemberProfileType, { nullable: true })
  async memberProfile(@Root() user: MemberUser, @Ctx() context: SubgraphContext): Promise<MemberProfileType | null> {
    const row = await profileOf(user, context);
    return row ? MemberProfileType.from(row) : null;
  }

  @FieldResolver(() => SharingPreferencesType, {
    description: 'What the user lets applications see; the defaults for a user who never changed them',
  })
  @Directive('@requires(fields: "accessFacts")')
  async sharingPreferences(@Root() user: MemberUser, @Ctx() context: SubgraphContext): Promise<SharingPreferencesType> {
    // A new entity carries the column defaults: one source for them.
    return SharingPreferencesType.from((await profileOf(user, context)) ?? new MemberProfile());
  }
}

export const memberReferenceResolvers = {
  User: {
    // Only the key and identity's sealed facts are believed; field rules guard what is read.
    __resolveReference: (representation: { id?: unknown; accessFacts?: unknown }, context: SubgraphContext) => {
      const user = verifiedUserReference(representation, context);
      return user && Object.assign(new MemberUser(), user);
    },
  },
};
