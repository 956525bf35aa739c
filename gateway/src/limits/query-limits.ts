import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { AppConfig } from '../../../lib/config/env.js';

/**
 * Abuse limits on every GraphQL document, before planning: depth, aliases, tokens, directives and a
 * cost estimate. Defaults are in the README's configuration table.
 */
export function queryLimits(config: AppConfig) {
  const limits = config.queryLimits;
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost },
    // Field suggestions reveal the schema to people who may not introspect it.
    blockFieldSuggestion: { enabled: config.isProduction },
  }).protect();
}
