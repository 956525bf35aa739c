import { Ctx, Directive, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { UserDirectory } from './user.service.js';
import { UserType } from './user.types.js';

@Resolver(() => UserType)
export class UserResolver {
  constructor(private readonly users: UserDirectory) {}

  @Query(() => UserType, { nullable: true, description: 'The signed-in user' })
  async me(@Ctx() context: SubgraphContext): Promise<UserType | null> {
    return (await this.users.byId(context, signedInUser(context).userId)) ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The user's tenant and subject sealed for member, catalog and admin (their @requires)",
  })
  @Directive('@inaccessible')
  accessFacts(@Root() user: UserType, @Ctx() context: SubgraphContext): string {
    return context.userFacts.seal({ id: user.id, tenantId: user.tenantId, sub: user.sub });
  }
}

/** `_entities` for User: batched by id; field rules (shield) decide what the caller may read. */
export function userReferenceResolver(users: UserDirectory) {
  return {
    User: {
      __resolveReference: async (reference: { id: string }, context: SubgraphContext) =>
        (await users.byId(context, reference.id)) ?? null,
    },
  };
}
