import { composeServices } from '@apollo/composition';
import { printSchema } from 'graphql';
import { gql } from 'graphql-tag';
import { subgraphNames, type SubgraphName } from '../lib/config/env.js';
import type { SubgraphSchema } from '../lib/graphql/subgraph-schema.js';
import { subgraphDefinitions } from '../subgraphs/registry.js';
import { mergeRootFieldClasses, renderRateLimitTable } from './rate-limit-table.js';

/** Where each subgraph lives in the production topology (docker-compose service names). */
export const productionSubgraphUrls: Record<SubgraphName, string> = {
  identity: 'http://identity:4001/graphql',
  member: 'http://member:4002/graphql',
  catalog: 'http://catalog:4003/graphql',
  admin: 'http://admin:4004/graphql',
};

/**
 * Composition hints we accept. Anything else composition reports makes `npm run compose` and the
 * drift test fail, so a schema change that federation frowns upon is seen at once.
 */
const acceptedHintCodes = new Set<string>([]);

export interface ComposedArtifacts {
  /** `schema/<subgraph>.graphql` */
  readonly subgraphs: Record<SubgraphName, string>;
  /** `schema/supergraph.graphql`, loaded by the gateway. */
  readonly supergraph: string;
  /** `schema/api.graphql`, the client-facing schema (codegen, frontends). */
  readonly api: string;
  /** The gateway's GraphQL rate-limit class table (`rateLimitTableFile`), from the subgraphs' declarations. */
  readonly rateLimitTable: string;
}

export class CompositionError extends Error {}

/** Builds every subgraph from code and composes them; throws on errors and on unaccepted hints. */
export async function composeFromCode(): Promise<ComposedArtifacts> {
  const subgraphs = {} as Record<SubgraphName, string>;
  const rootFieldClasses = {} as Record<SubgraphName, SubgraphSchema['rootFieldClasses']>;
  for (const name of subgraphNames) {
    const built = await subgraphDefinitions[name].buildSchema();
    subgraphs[name] = `${built.sdl.trim()}\n`;
    rootFieldClasses[name] = built.rootFieldClasses;
  }
  const result = composeServices(
    subgraphNames.map((name) => ({ name, url: productionSubgraphUrls[name], typeDefs: gql(subgraphs[name]) })),
  );
  if (result.errors) {
    throw new CompositionError(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  const hints = result.hints.filter((hint) => !acceptedHintCodes.has(hint.definition.code));
  if (hints.length > 0) {
    throw new CompositionError(
      `Composition hints to resolve:\n${hints.map((h) => `  - [${h.definition.code}] ${h.message}`).join('\n')}`,
    );
  }
  return {
    subgraphs,
    supergraph: `${result.supergraphSdl.trim()}\n`,
    api: `${printSchema(result.schema.toAPISchema().toGraphQLJSSchema()).trim()}\n`,
    rateLimitTable: renderRateLimitTable(mergeRootFieldClasses(rootFieldClasses)),
  };
}
