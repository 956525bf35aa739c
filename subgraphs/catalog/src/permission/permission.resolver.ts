import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { groupByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { PermissionGrant } from './permission-grant.entity.js';
import { CatalogUser, PermissionType } from './permission.types.js';

@Resolver(() => CatalogUser)
export class CatalogUserResolver {
  @FieldResolver(() => [PermissionType])
  async permissions(@Root() user: CatalogUser, @Ctx() context: SubgraphContext): Promise<PermissionType[]> {
    const rows = await requestLoader<string, PermissionGrant[]>(context, 'catalog.grantsByUser', async (ids) =>
      groupByKey(
        ids,
        await context.em.find(PermissionGrant, { userId: { $in: [...ids] } }, { orderBy: { createdAt: 'asc' } }),
        (g) => g.userId,
      ),
    ).load(user.id);
    return rows.map((row) => PermissionType.from(row));
  }
}

export const catalogReferenceResolvers = {
  User: {
    __resolveReference: (reference: { id: string; tenantId?: string }) => Object.assign(new CatalogUser(), reference),
  },
};
