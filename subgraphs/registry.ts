import type { SubgraphName } from '../lib/config/env.js';
import type { SubgraphDefinition } from '../lib/subgraph-runtime/subgraph-definition.js';
import { adminSubgraph } from './admin/src/definition.js';
import { catalogSubgraph } from './catalog/src/definition.js';
import { identitySubgraph } from './identity/src/definition.js';
import { memberSubgraph } from './member/src/definition.js';

/** Every subgraph, in start order (identity first: the others verify tokens against its JWKS). */
export const subgraphDefinitions = {
  identity: identitySubgraph,
  member: memberSubgraph,
  catalog: catalogSubgraph,
  admin: adminSubgraph,
} as const satisfies Record<SubgraphName, SubgraphDefinition<unknown>>;
