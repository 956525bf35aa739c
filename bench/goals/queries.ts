import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpRequestSpec } from '../support/http-load.js';

/** The federated query: one field from each of the four subgraphs. */
export const FEDERATED_QUERY =
  '{ me { id email memberProfile { displayName } permissions { id } auditTrail(limit: 5) { id } } }';

/**
 * The query as the measured build's schema allows it. `MemberProfile.displayName` is on its
 * way to `User` (one name per person): where the supergraph no longer has it, member's `language`
 * stands in, the same one-column read of the same row.
 */
export async function federatedQuery(root: string): Promise<string> {
  const supergraph = await readFile(join(root, 'schema/supergraph.graphql'), 'utf8');
  const memberProfile = /\btype MemberProfile\b[^{]*\{([^}]*)\}/.exec(supergraph)?.[1] ?? '';
  return /^\s*displayName\b/m.test(memberProfile)
    ? FEDERATED_QUERY
    : FEDERATED_QUERY.replace('memberProfile { displayName }', 'memberProfile { language }');
}

/** A query identity answers alone, so it can be sent to identity's port as well as the gateway's. */
export const ME_QUERY = '{ me { id email displayName role } }';

/** A GraphQL POST as a signed-in user; subgraphs verify the bearer token themselves, so direct calls carry it too. */
export function graphqlPost(url: string, token: string, query: string): HttpRequestSpec {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  };
}
