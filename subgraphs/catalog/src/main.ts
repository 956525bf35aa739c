import { runSubgraphAlone } from '../../../lib/http/run-subgraph-alone.js';

/** Starts the catalog subgraph alone: `node dist/subgraphs/catalog/src/main.js`. */
await runSubgraphAlone('catalog');
