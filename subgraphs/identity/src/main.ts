import '../../../lib/db/pg-stream-probe.js';
import { runSubgraphAlone } from '../../../lib/subgraph-runtime/run-subgraph-alone.js';
import { identitySubgraph } from './definition.js';

/** Starts the identity subgraph alone: `node dist/subgraphs/identity/src/main.js`. */
await runSubgraphAlone(identitySubgraph);
