import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { z } from 'zod';
import type { Principal } from '../../../lib/auth/principal.js';
import type { RestFamily } from './families.js';

/** How a route authenticates its caller. */
export type AuthScheme =
  /** `Authorization: Bearer <access token>` required. */
  | 'bearer'
  /** Anyone; a bearer token is used when present (and refused when invalid). */
  | 'public'
  /** Anyone; any Authorization header is ignored (sign-in, refresh: a stale token must not block them). */
  | 'none'
  /**
   * seed 003: a bearer token, or (only when NODE_ENV=development) the `X-Tenant-ID` + `X-UID` headers
   * naming an existing member.
   */
  | 'member'
  /** `X-Client-Key` + `X-API-Key` (seed 000), verified by the gateway. */
  | 'api-client';

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal;
  /**
   * Runs a GraphQL operation in-process through the gateway as the caller; errors throw AppError.
   * Documents come from codegen (gateway/src/generated), so data and variables are typed.
   */
  readonly graphql: <TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
  ) => Promise<TData>;
}

export interface RouteResult<R> {
  readonly status?: number;
  readonly body: R;
  readonly headers?: Record<string, string>;
  /**
   * Only these origins may read this answer from a browser (a token endpoint: the origins of the
   * application the token was issued to), even if another application registered the caller's.
   */
  readonly readableBy?: readonly string[];
}

/**
 * One documented legacy path. Everything a client can see is declared here: the same declaration
 * validates requests, strips responses to the declared shape and produces the OpenAPI document.
 */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. `/api/v1/admin/users/:user_id`. */
  readonly path: string;
  readonly family: RestFamily;
  readonly auth: AuthScheme;
  readonly summary: string;
  /** The OpenAPI operationId; by default derived from method and path (openapi.ts operationIdOf). */
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** The success body (for seed 003, the `data` inside the envelope). */
  readonly response: R;
  readonly successStatus?: number;
  /**
   * The answer carries a token or a secret: every answer of the route, refusals included, says
   * `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1).
   */
  readonly noStore?: boolean;
  /**
   * Browser applications may call it from an origin an application registered (`allowed_origins`):
   * preflights are answered and answers carry `Access-Control-Allow-Origin`. By default, the routes that
   * take a bearer token (`bearer`, `member`); `/internal/*` and first-party sign-in never.
   */
  readonly cors?: boolean;
  /**
   * Documented refusals: status → description. Those of the shared machinery (429, 500, unreadable
   * bodies, authentication: statuses.ts) are added for every route; the router logs any other.
   */
  readonly errors: Readonly<Record<number, string>>;
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<RouteResult<z.input<R>>>;
}

/** Keeps the generic parameters of a route inferred at its declaration. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  route: RouteDefinition<P, Q, B, R>,
): RouteDefinition {
  return route;
}
