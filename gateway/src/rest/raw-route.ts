import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import type { Principal } from '../../../lib/auth/principal.js';
import type { AppConfig, SubgraphName } from '../../../lib/config/env.js';
import type { Logger } from '../../../lib/logging/logger.js';
import type { ExecuteAs } from '../execution/in-process.js';
import type { RouteRateLimit } from '../limits/route-classes.js';
import type { RestFamily } from './families.js';
import type { HttpMethod } from './route.js';

/** An OpenAPI 3.1 operation object, written out by hand. */
export type OpenApiOperation = { readonly operationId: string } & Readonly<Record<string, unknown>>;

/**
 * A route the declared REST machinery cannot serve (an RFC 6749 form body, HTML pages, a streamed
 * picture, the platform's own endpoints): plain Express handlers, with what the shared front door
 * reads declared beside them as defineRoute declares it: method, path, budget, CORS, documentation.
 */
export interface RawRouteDeclaration<Context> {
  readonly method: HttpMethod;
  /** Express-style path, e.g. `/media/profile-pictures/:userId/:sha256`. */
  readonly path: string;
  /** The budget it draws on (limits/rate-limit.ts); `unlimited` only for what carries no caller data. */
  readonly rateLimit: RouteRateLimit;
  /** Browser applications of registered origins may call it (http/cors.ts); never by default. */
  readonly cors?: boolean;
  /** Its operation in /openapi.json, written out (no schema generates a form or a page); absent: undocumented. */
  readonly openapi?: OpenApiOperation;
  /** Whether this configuration serves it (`/metrics` moves to METRICS_PORT when that is set). */
  readonly servedWhen?: (context: Context) => boolean;
  /** Its Express handlers (error handlers too), built once from what the gateway gives raw routes. */
  handlers(context: Context): readonly (RequestHandler | ErrorRequestHandler)[];
}

/** A raw route of a legacy family (the family is set once per folder: families.ts defineFamilyRoutes). */
export interface RawRouteDefinition<Context = RawRouteContext> extends RawRouteDeclaration<Context> {
  readonly family: RestFamily;
}

/** What the gateway gives the raw routes of the legacy families and the hosted pages. */
export interface RawRouteContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** Runs an operation in-process through the gateway as an already authenticated caller. */
  readonly executeAs: ExecuteAs;
  /** The principal of an access token (a page's session cookie), or undefined when it is invalid or ended. */
  readonly authenticateToken: (token: string) => Promise<Principal | undefined>;
}

/** Mounts each route the configuration serves on the app itself, in declaration order. */
export function mountRawRoutes<Context>(
  app: Express,
  routes: readonly RawRouteDeclaration<Context>[],
  context: Context,
): void {
  for (const route of routes) {
    if (route.servedWhen && !route.servedWhen(context)) continue;
    app[route.method](route.path, ...route.handlers(context));
  }
}
