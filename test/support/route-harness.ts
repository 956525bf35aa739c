import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST } from 'graphql';
import type { Principal, UserPrincipal } from '../../lib/auth/principal.js';
import { asAppError, renderError } from '../../gateway/src/rest/families.js';
import type { RouteDefinition } from '../../gateway/src/rest/route.js';
import { runRoute } from '../../gateway/src/rest/route-pipeline.js';

/** One GraphQL operation a route ran, as the fake saw it. */
export interface SentOperation {
  readonly operation: string;
  readonly variables: Record<string, unknown> | undefined;
}

/** By operation name: the data to answer, or a function of the variables that returns or throws. */
export type FakeAnswers = Readonly<Record<string, unknown>>;

/**
 * A stand-in for the gateway's in-process GraphQL, for unit tests of REST routes: answers each
 * operation by its name and records what was sent. An operation without an answer fails the test,
 * so a route cannot quietly run something the test did not expect.
 */
export function fakeGraphQL(answers: FakeAnswers) {
  const sent: SentOperation[] = [];
  const graphql = async <TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData> => {
    const operation = getOperationAST(document)?.name?.value ?? '(anonymous)';
    sent.push({ operation, variables });
    if (!Object.hasOwn(answers, operation)) throw new Error(`unexpected GraphQL operation ${operation}`);
    const answer = answers[operation];
    return (typeof answer === 'function' ? await (answer as (v: unknown) => unknown)(variables) : answer) as TData;
  };
  return { graphql, sent };
}

export const signedInUser: UserPrincipal = {
  kind: 'user',
  userId: '00000000-0000-4000-8000-000000000001',
  tenantId: '00000000-0000-4000-8000-0000000000aa',
  role: 'USER',
  scopes: [],
  sessionId: '00000000-0000-4000-8000-0000000000ff',
  tokenId: '00000000-0000-4000-8000-0000000000ee',
  amr: ['pwd'],
  authTime: 1_800_000_000,
  issuedAt: 1_800_000_000,
  expiresAt: 1_800_001_800,
};

/**
 * Runs the route the way the router does after authentication (route-pipeline.ts), and renders a
 * refusal in the route's family dialect: what the legacy client would get, without HTTP.
 */
export async function callRoute(
  routes: readonly RouteDefinition[],
  method: RouteDefinition['method'],
  path: string,
  request: { params?: unknown; query?: unknown; body?: unknown; principal?: Principal; answers?: FakeAnswers },
) {
  const route = routes.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`no route ${method.toUpperCase()} ${path}`);
  const { graphql, sent } = fakeGraphQL(request.answers ?? {});
  try {
    const answer = await runRoute(
      route,
      { params: request.params ?? {}, query: request.query ?? {}, body: request.body },
      request.principal ?? signedInUser,
      graphql,
    );
    return { status: answer.status, body: answer.body, sent };
  } catch (error) {
    const rendered = renderError(route.family, asAppError(error));
    return { status: rendered.status, body: rendered.body as unknown, sent };
  }
}
