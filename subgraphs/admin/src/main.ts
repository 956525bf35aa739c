import '../../../lib/db/pg-stream-probe.js';
import { runSubgraphAlone } from '../../../lib/subgraph-runtime/run-subgraph-alone.js';
import { adminSubgraph } from './definition.js';

/** Starts the admin subgraph alone: `node dist/subgraphs/admin/src/main.js`. */
await runSubgraphAlone(adminSubgraph);
