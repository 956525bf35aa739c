import { runSubgraphAlone } from '../../../lib/http/run-subgraph-alone.js';

/** Starts the admin subgraph alone: `node dist/subgraphs/admin/src/main.js`. */
await runSubgraphAlone('admin');
