import '../../../lib/db/pg-stream-probe.js';
import { runSubgraphAlone } from '../../../lib/subgraph-runtime/run-subgraph-alone.js';
import { catalogSubgraph } from './definition.js';

/** Starts the catalog subgraph alone: `node dist/subgraphs/catalog/src/main.js`. */
await runSubgraphAlone(catalogSubgraph);
