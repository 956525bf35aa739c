import { runSubgraphAlone } from '../../../lib/http/run-subgraph-alone.js';

/** Starts the member subgraph alone: `node dist/subgraphs/member/src/main.js`. */
await runSubgraphAlone('member');
