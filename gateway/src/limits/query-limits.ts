import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { AppConfig } from '../../../lib/config/env.js';
import { operationGuard } from '../../../lib/graphql/operation-guard.js';

/**
 * Abuse limits on every GraphQL document, before planning: depth, aliases, tokens, directives and a
 * cost estimate. Defaults are in the README's configuration table.
 */
export function queryLimits(config: AppConfig) {
  const limits = config.queryLimits;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    // graphql-js counts tokens itself (parseOptions below): armor's counter throws from a plugin hook
    // outside Apollo's parse error handling, which turned every syntax error into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost },
    // Field suggestions reveal the schema to people who may not introspect it.
    blockFieldSuggestion: { enabled: config.isProduction },
  }).protect();
  return {
    ...armor,
    // Over the limit is a syntax error (GRAPHQL_PARSE_FAILED, 400), raised before the parser goes on.
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [...armor.plugins, operationGuard()],
  };
}
