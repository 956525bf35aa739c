import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../../../lib/errors/index.js';
import { groupByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { verifiedUserReference } from '../../../../lib/graphql/user-reference.js';
import { actorOf } from '../events/catalog-events.js';
import { grantPermission, grantsOf, grantsOfMany, revokePermission, type GrantRecord } from './permission.service.js';
import { CatalogUser, GrantPermissionInput, PermissionSnapshotType, PermissionType } from './permission.types.js';

@Resolver(() => CatalogUser)
export class CatalogUserResolver {
  @FieldResolver(() => [PermissionType])
  async permissions(@Root() user: CatalogUser, @Ctx() context: SubgraphContext): Promise<PermissionType[]> {
    // Grants are keyed by subject, which only identity's sealed facts tell.
    const sub = user.sub;
    if (sub === undefined) throw new AppError('FORBIDDEN', "The user's subject could not be verified");
    // One statement for every user of the request.
    const rows = await requestLoader<string, GrantRecord[]>(context, 'catalog.grantsBySub', async (subs) =>
      groupByKey(subs, await grantsOfMany(context.rows, subs), (g) => g.userSub),
    ).load(sub);
    return rows.map((row) => PermissionType.from(row));
  }
}

/** Granting and revoking (system admins), and the legacy per-user snapshot. */
@Resolver()
export class PermissionAdminResolver {
  @Mutation(() => PermissionType, {
    description: 'Grants actions on a module within a site or company; granting the same target again replaces them',
  })
  async grantPermission(
    @Arg('input', () => GrantPermissionInput) input: GrantPermissionInput,
    @Ctx() context: SubgraphContext,
  ): Promise<PermissionType> {
    return PermissionType.from(await grantPermission(context.em, actorOf(context), input));
  }

  @Mutation(() => Boolean, { description: 'Removes a grant; false when there was none with this id' })
  async revokePermission(@Arg('id', () => ID) id: string, @Ctx() context: SubgraphContext): Promise<boolean> {
    return revokePermission(context.em, actorOf(context), id);
  }

  @Query(() => PermissionSnapshotType, { description: "Every grant of one user, by the user's subject" })
  async permissionSnapshot(
    @Arg('userSub', () => String) userSub: string,
    @Ctx() context: SubgraphContext,
  ): Promise<PermissionSnapshotType> {
    const rows = await grantsOf(context.rows, userSub);
    return Object.assign(new PermissionSnapshotType(), {
      userSub,
      permissions: rows.map((r) => PermissionType.from(r)),
    });
  }
}

export const catalogReferenceResolvers = {
  User: {
    // Only the key and identity's sealed facts are believed; field rules guard what is read.
    __resolveReference: (representation: { id?: unknown; accessFacts?: unknown }, context: SubgraphContext) => {
      const user = verifiedUserReference(representation, context);
      return user && Object.assign(new CatalogUser(), user);
    },
  },
};
