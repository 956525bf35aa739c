import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { subgraphNames } from '../lib/config/env.js';
import { rateLimitTableFile } from './rate-limit-table.js';
import { composeFromCode } from './supergraph.js';

/** `npm run compose`: regenerates the checked-in SDL files and the gateway's rate-limit table from the code. */
const dir = fileURLToPath(new URL('.', import.meta.url));
const artifacts = await composeFromCode();
for (const name of subgraphNames) await writeFile(`${dir}${name}.graphql`, artifacts.subgraphs[name]);
await writeFile(`${dir}supergraph.graphql`, artifacts.supergraph);
await writeFile(`${dir}api.graphql`, artifacts.api);
await writeFile(new URL(`../${rateLimitTableFile}`, import.meta.url), artifacts.rateLimitTable);
console.log(
  `Wrote ${subgraphNames.length} subgraph schemas, supergraph.graphql and api.graphql to ${dir}, and ${rateLimitTableFile}`,
);
