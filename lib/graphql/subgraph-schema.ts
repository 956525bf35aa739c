import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema, specifiedDirectives, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { gql } from 'graphql-tag';
import { buildSchema, createResolversMap, type ContainerType, type NonEmptyArray } from 'type-graphql';
import type { RateLimitClass } from '../http/rate-limit-class.js';
import { splitPermissions, type SubgraphPermissions } from './root-field-policy.js';
import { createShield } from './shield.js';
import { validateInput } from './validation.js';

/** Federation version and the directives our subgraphs may use. */
const federationLink =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@override"])';

export interface SubgraphSchemaOptions {
  // type-graphql takes resolver classes; their constructor shapes vary.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly resolvers: NonEmptyArray<Function>;
  /** Types reachable only through entities (`_entities`), which type-graphql would not emit. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly orphanedTypes?: Function[];
  /** `__resolveReference` per entity type. */
  readonly referenceResolvers: GraphQLResolverMap<unknown>;
  /**
   * graphql-shield rule map; everything not named is denied. A root field's rate-limit class is
   * declared with its rule (`login: limited('auth', allow)`); see root-field-policy.ts.
   */
  readonly permissions: SubgraphPermissions;
  /** Mutations a third-party application with `write` may call for its user (see createShield). */
  readonly applicationMutations?: Readonly<Record<string, 'read' | 'write'>>;
  /** Queries an application's token may call with another scope than `read` (see createShield). */
  readonly applicationQueries?: Readonly<Record<string, string>>;
  /** Hands resolver classes their services (constructor injection). */
  readonly container?: ContainerType;
}

export interface SubgraphSchema {
  readonly schema: GraphQLSchema;
  /** The subgraph SDL with federation directives, as composed into the supergraph. */
  readonly sdl: string;
  /**
   * `<root type>.<field>` → rate-limit class, for each root field declared other than `general`:
   * `npm run compose` gathers them into the gateway's table.
   */
  readonly rootFieldClasses: Readonly<Record<string, RateLimitClass>>;
}

/** The one helper that builds every subgraph: type-graphql → federation subgraph → shield. */
export async function buildFederatedSubgraph(options: SubgraphSchemaOptions): Promise<SubgraphSchema> {
  const typeGraphQLSchema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes ?? [],
    directives: [...specifiedDirectives],
    ...(options.container ? { container: options.container } : {}),
    // Federation adds _entities/_service later; type-graphql must not validate the partial schema.
    skipCheck: true,
    // class-validator on inputs, reported as catalog errors that never echo values (passwords).
    validateFn: validateInput,
  });
  // Sorted, so the SDL (and the checked-in artifacts) depend on what the schema is, not on the order
  // in which modules happened to register their types and fields.
  const sdl = printSchemaWithDirectives(lexicographicSortSchema(typeGraphQLSchema));
  const typeDefs = gql(`${federationLink}\n${sdl}`);
  const resolvers = createResolversMap(typeGraphQLSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, reference] of Object.entries(options.referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(reference as object) };
  }
  const subgraph = buildSubgraphSchema({ typeDefs, resolvers });
  const hasEntities = subgraph.getQueryType()?.getFields()['_entities'] !== undefined;
  const { rules, rootFieldClasses } = splitPermissions(options.permissions, typeGraphQLSchema);
  const schema = applyMiddleware(
    subgraph,
    createShield(rules, {
      hasEntities,
      ...(options.applicationMutations ? { applicationMutations: options.applicationMutations } : {}),
      ...(options.applicationQueries ? { applicationQueries: options.applicationQueries } : {}),
    }),
  );
  let printed: string | undefined;
  return {
    schema,
    // Printed when asked (`npm run compose`, the drift tests), not at every start.
    get sdl() {
      return (printed ??= printSubgraphSchema(subgraph));
    },
    rootFieldClasses,
  };
}
