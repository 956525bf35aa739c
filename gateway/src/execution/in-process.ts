import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Request, Response } from 'express';
import { print, type DocumentNode } from 'graphql';
import { AppError, isErrorCode } from '../../../lib/errors/index.js';
import type { Authenticated } from '../auth/authenticated.js';
import type { GatewayContext } from '../context.js';
import type { ExecutionResult } from './execution-result.js';
import type { SingleFetchOperations } from './single-fetch.js';

export type { ExecutionResult } from './execution-result.js';

/**
 * Runs an operation through the gateway in-process as an already authenticated caller (the REST
 * layer, the token endpoint, the hosted pages): its principal is reused, not verified again.
 */
export type ExecuteAs = (
  req: Request,
  res: Response,
  caller: Authenticated,
  document: DocumentNode,
  variables: Record<string, unknown>,
) => Promise<ExecutionResult>;

/** The gateway context of one request's caller (request id, origin, logger: request-context.ts). */
export type ContextFor = (req: Request, res: Response, caller: Authenticated) => GatewayContext;

/** The text of each document run in-process: they are module constants (codegen), printed once. */
const printed = new WeakMap<DocumentNode, string>();

function textOf(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/**
 * Runs the document through Apollo, or straight to its subgraph once its plan is known to be a single
 * fetch (single-fetch.ts): the same answer either way.
 */
export function createExecuteAs(
  apollo: ApolloServer<GatewayContext>,
  contextFor: ContextFor,
  singleFetches: SingleFetchOperations,
): ExecuteAs {
  return async (req, res, caller, document, variables) => {
    const query = textOf(document);
    const contextValue = contextFor(req, res, caller);
    const singleFetch = singleFetches.lookup(query);
    if (singleFetch) return singleFetch.run(variables, contextValue);
    const response = await apollo.executeOperation(
      { query, variables, http: { method: 'POST', headers: new HeaderMap(), search: '', body: {} } },
      { contextValue },
    );
    if (response.body.kind !== 'single') throw new Error('Incremental delivery is not used in-process');
    return {
      data: response.body.singleResult.data ?? null,
      errors: response.body.singleResult.errors?.map((e) => ({ message: e.message, extensions: e.extensions ?? {} })),
    };
  };
}

/** GraphQL errors from the in-process operation become catalog errors (the first one decides). */
export function throwIfErrors(result: ExecutionResult): Record<string, unknown> {
  const first = result.errors?.[0];
  if (first) {
    const ext = first.extensions ?? {};
    const code = ext['code'];
    const details = (ext['details'] as Record<string, unknown> | undefined) ?? {};
    if (isErrorCode(code) && code !== 'INTERNAL') throw new AppError(code, first.message, { details });
    // A value the gateway refused (a NUL in a string, an Int beyond 32 bits): the caller's input.
    if (code === 'BAD_USER_INPUT') throw new AppError('VALIDATION_FAILED', first.message, { details });
    // Anything else (a graphql-js validation error of our own document, say) is our bug.
    throw new AppError('INTERNAL', undefined, { cause: new Error(first.message) });
  }
  return result.data ?? {};
}

/**
 * The data of a codegen document (gateway/src/generated) run as `caller`; its errors throw AppError.
 * The document's type is its answer's: codegen generated both from the same operation.
 */
export async function dataAs<TData, TVariables extends Record<string, unknown>>(
  executeAs: ExecuteAs,
  req: Request,
  res: Response,
  caller: Authenticated,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): Promise<TData> {
  return throwIfErrors(await executeAs(req, res, caller, document, variables ?? {})) as TData;
}
