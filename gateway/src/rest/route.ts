import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { z } from 'zod';
import type { Principal } from '../../../lib/auth/principal.js';
import type { RateLimitClass } from '../../../lib/http/rate-limit-class.js';
import type { RestFamily } from './families.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

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

/** Everything a route declares but its family and its budget. */
interface RouteFields<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  readonly method: HttpMethod;
  /** Express-style path, e.g. `/api/v1/admin/users/:user_id`. */
  readonly path: string;
  readonly auth: AuthScheme;
  readonly summary: string;
  /** The OpenAPI operationId; by default derived from method and path (openapi.ts operationIdOf). */
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /**
   * `multipart`: the body is multipart/form-data, handed to the route as `body.file`, a reader of its
   * file part (http/multipart-upload.ts) that reads nothing until the handler asks, after
   * authentication. JSON otherwise.
   */
  readonly bodyFormat?: 'json' | 'multipart';
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
   * GraphQL input fields (`displayName`, `userSub`) → the body fields the legacy client sent
   * (`full_name`, `user_sub`): a validation error the handler raises (of its operations, or its own
   * check of a GraphQL-named input: person-name.ts) names the latter, in its family's shape
   * (legacy-validation.ts).
   */
  readonly legacyFieldNames?: Readonly<Record<string, string>>;
  /**
   * Documented refusals: status → description. Those of the shared machinery (429, 500, unreadable
   * bodies, authentication: statuses.ts) are added for every route; the router logs any other.
   */
  readonly errors: Readonly<Record<number, string>>;
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<RouteResult<z.input<R>>>;
}

/**
 * One documented legacy path, as its folder declares it. Everything a client can see is declared
 * here: the same declaration validates requests, strips responses to the declared shape, produces
 * the OpenAPI document and tells the rate limiter its budget. The folder's index sets the family
 * (families.ts defineFamilyRoutes).
 */
export interface RouteDeclaration<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> extends RouteFields<P, Q, B, R> {
  /**
   * The budget it draws on (seed 004 "Rate Limiting", limits/rate-limit.ts): `auth` for what password
   * and code guessing aim at, `admin` for admins' paths, `internal` for seed 000's service API.
   */
  readonly rateLimit: RateLimitClass;
}

/** A route with its family: what the REST layer serves. */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> extends RouteDeclaration<P, Q, B, R> {
  readonly family: RestFamily;
}

/** Keeps the generic parameters of a route inferred at its declaration, in a family's folder. */
export function declareRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  route: RouteDeclaration<P, Q, B, R>,
): RouteDeclaration {
  return route;
}

/** A route declared on its own, outside the families' folders (a probe of the REST machinery). */
export interface StandaloneRoute<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
> extends RouteFields<P, Q, B, R> {
  readonly family: RestFamily;
  /** By default the family's usual budget: `internal` for seed 000's paths, `general` otherwise. */
  readonly rateLimit?: RateLimitClass;
}

const familyBudgets: Readonly<Record<RestFamily, RateLimitClass>> = {
  internal: 'internal',
  member: 'general',
  oauth: 'general',
};

/** A whole route, family included (its generic parameters inferred as declareRoute's). */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  route: StandaloneRoute<P, Q, B, R>,
): RouteDefinition {
  const definition: RouteDefinition<P, Q, B, R> = {
    ...route,
    rateLimit: route.rateLimit ?? familyBudgets[route.family],
  };
  return definition;
}
