import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { subgraphNames } from '../lib/config/env.js';
import { rateLimitTableFile } from '../schema/rate-limit-table.js';
import { composeFromCode } from '../schema/supergraph.js';

const run = promisify(execFile);
const checkedIn = (file: string) => readFile(new URL(`../schema/${file}`, import.meta.url), 'utf8');

describe('checked-in schema artifacts', () => {
  it('compose without errors or unaccepted hints, and match the code (run `npm run compose` if not)', async () => {
    const artifacts = await composeFromCode();
    for (const name of subgraphNames) {
      expect(await checkedIn(`${name}.graphql`), `schema/${name}.graphql is stale`).toBe(artifacts.subgraphs[name]);
    }
    expect(await checkedIn('supergraph.graphql'), 'schema/supergraph.graphql is stale').toBe(artifacts.supergraph);
    expect(await checkedIn('api.graphql'), 'schema/api.graphql is stale').toBe(artifacts.api);
    // The gateway budgets root fields by this table: a `limited(...)` changed without recomposing
    // would leave the gateway charging the old class.
    expect(
      await readFile(new URL(`../${rateLimitTableFile}`, import.meta.url), 'utf8'),
      `${rateLimitTableFile} is stale`,
    ).toBe(artifacts.rateLimitTable);
  });

  it('every subgraph extends the User entity that identity owns', async () => {
    const artifacts = await composeFromCode();
    expect(artifacts.subgraphs.identity).toMatch(/type User\s+@key\(fields: "id"\)/);
    // Identity seals a user's tenant and subject for the others, hidden from the client API.
    expect(artifacts.subgraphs.identity).toMatch(/accessFacts: String @inaccessible/);
    expect(artifacts.api).not.toMatch(/accessFacts/);
    for (const name of ['member', 'catalog', 'admin'] as const) {
      expect(artifacts.subgraphs[name]).toMatch(/type User\s+@key\(fields: "id"\)/);
      // They authorize by those sealed facts, never by a tenantId or sub the caller could write.
      expect(artifacts.subgraphs[name]).toMatch(/@requires\(fields: "accessFacts"\)/);
      expect(artifacts.subgraphs[name]).not.toMatch(/@requires\(fields: "[^"]*(tenantId|sub)/);
    }
  });

  it('the generated operation types are fresh (run `npm run codegen` if not)', async () => {
    // --check exits non-zero when what it would write differs from the checked-in output.
    await expect(run('npx', ['graphql-codegen', '--config', 'codegen.ts', '--check'])).resolves.toBeDefined();
  });
});
