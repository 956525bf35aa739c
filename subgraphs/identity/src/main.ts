import { runSubgraphAlone } from '../../../lib/http/run-subgraph-alone.js';

/** Starts the identity subgraph alone: `node dist/subgraphs/identity/src/main.js`. */
await runSubgraphAlone('identity');
