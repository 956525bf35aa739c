import '../../../lib/db/pg-stream-probe.js';
import { runSubgraphAlone } from '../../../lib/subgraph-runtime/run-subgraph-alone.js';
import { memberSubgraph } from './definition.js';

/** Starts the member subgraph alone: `node dist/subgraphs/member/src/main.js`. */
await runSubgraphAlone(memberSubgraph);
