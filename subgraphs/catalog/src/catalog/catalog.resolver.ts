import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { actorOf } from '../events/catalog-events.js';
import { catalogKindNames, catalogKinds, type CatalogKind } from './catalog-kinds.js';
import { CatalogStatus } from './catalog-status.js';
import * as catalog from './catalog.service.js';
import {
  catalogTypes,
  toPage,
  UpdateCatalogItemInput,
  type CatalogItemType,
  type ListArguments,
} from './catalog.types.js';

type ResolverClass = new () => object;

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/**
 * The query and mutations of one kind (`systems`, `createSystem`, `updateSystem`, `setSystemStatus`),
 * on top of `Base`. type-graphql runs a handler as a method of the resolver registered with the
 * schema (the last subclass), so each method is named after its field, unique across the kinds.
 */
function withKind(Base: ResolverClass, kind: CatalogKind): ResolverClass {
  const { label, plural, prefix, parent } = catalogKinds[kind];
  const { Item, ItemPage, CreateInput, ListArgs, parentKeyIn } = catalogTypes[kind];
  const names = {
    list: plural,
    create: `create${label}`,
    update: `update${label}`,
    setStatus: `set${label}Status`,
  } as const;
  const ofParent = parent ? ` of a ${parent}` : '';

  @Resolver()
  class KindResolver extends Base {
    @Query(() => ItemPage, { name: names.list, description: `${capitalized(plural)}, oldest first` })
    async [names.list](
      @Ctx() { em }: SubgraphContext,
      @Args(() => ListArgs) args: ListArguments,
    ): Promise<InstanceType<typeof ItemPage>> {
      const query = { ...args, parentKey: parentKeyIn(args) };
      return toPage(ItemPage, await catalog.list(em, kind, query), (row) => Item.from(row));
    }

    @Mutation(() => Item, {
      name: names.create,
      description: `Creates a ${kind}${ofParent} under a fresh ${prefix} key`,
    })
    async [names.create](
      @Arg('input', () => CreateInput) input: { name: string },
      @Ctx() context: SubgraphContext,
    ): Promise<CatalogItemType> {
      const parentKey = parentKeyIn(input) ?? undefined;
      return Item.from(await catalog.create(context.em, actorOf(context), kind, { name: input.name, parentKey }));
    }

    @Mutation(() => Item, { name: names.update })
    async [names.update](
      @Arg('key', () => String) key: string,
      @Arg('input', () => UpdateCatalogItemInput) input: UpdateCatalogItemInput,
      @Ctx() context: SubgraphContext,
    ): Promise<CatalogItemType> {
      return Item.from(await catalog.rename(context.em, actorOf(context), kind, key, input));
    }

    @Mutation(() => Item, {
      name: names.setStatus,
      description: 'Refused (CONFLICT) to deactivate while grants name it',
    })
    async [names.setStatus](
      @Arg('key', () => String) key: string,
      @Arg('status', () => CatalogStatus) status: CatalogStatus,
      @Ctx() context: SubgraphContext,
    ): Promise<CatalogItemType> {
      return Item.from(await catalog.setStatus(context.em, actorOf(context), kind, key, status));
    }
  }
  return KindResolver;
}

/**
 * Administration of the catalog: every kind's handlers in one resolver class, which definition.ts
 * registers. Shield: queries for admins and catalog readers, mutations for system admins.
 */
export const CatalogResolver = catalogKindNames.reduce(withKind, class CatalogResolverBase {});
