import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { AppError } from '../../../lib/errors/index.js';
import type { Logger } from '../../../lib/logging/logger.js';
import type { Authenticator } from '../auth/authenticated.js';
import { dataAs, type ExecuteAs } from '../execution/in-process.js';
import { clientRequestError } from '../http/client-errors.js';
import { readableOnlyBy, type BrowserPath } from '../http/cors.js';
import { acceptMultipartUpload } from '../http/multipart-upload.js';
import { NO_STORE_HEADERS } from '../http/no-store.js';
import { sendJson } from '../http/send-body.js';
import { restJsonBody } from '../http/request-bodies.js';
import { asAppError, familyForPath, renderError, type RestFamily } from './families.js';
import type { AuthScheme, RouteDefinition } from './route.js';
import { runRoute } from './route-pipeline.js';
import { declaredStatuses } from './statuses.js';

export interface RestLayerOptions {
  readonly routes: readonly RouteDefinition[];
  /** Per scheme: how to establish the caller (bearer tokens, API client keys). */
  readonly authenticators: Partial<Record<AuthScheme, Authenticator>>;
  /** Runs an operation through the gateway in-process, as the route's authenticated caller. */
  readonly executeAs: ExecuteAs;
  /** The most a `multipart` route's file may hold (PROFILE_PICTURE_MAX_BYTES). */
  readonly multipartMaxBytes: number;
  readonly logger: Logger;
}

/**
 * The path as routed: the route's own spelling of its fixed segments (whatever case or trailing slash
 * the request had), and each parameter's decoded value as one segment (a `/` in it stays `%2F`). Path
 * rules are matched against this, so no spelling of a route slips past a rule or is refused by one
 * that allows the route.
 */
export function routedPath(
  routePath: string,
  params: Readonly<Record<string, string | readonly string[] | undefined>>,
): string {
  return routePath.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = params[name] ?? '';
    return (typeof value === 'string' ? value : value.join('/')).replace(/%/g, '%25').replace(/\//g, '%2F');
  });
}

/** The methods of each path, in declaration order. */
function methodsByPath(routes: readonly RouteDefinition[]): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  for (const route of routes) {
    const methods = paths.get(route.path) ?? [];
    if (!methods.includes(route.method.toUpperCase())) methods.push(route.method.toUpperCase());
    paths.set(route.path, methods);
  }
  return paths;
}

/** Routes browser applications may call (RouteDefinition.cors): by default those taking a bearer token. */
export function browserPaths(routes: readonly RouteDefinition[]): BrowserPath[] {
  const open = routes.filter((route) => route.cors ?? (route.auth === 'bearer' || route.auth === 'member'));
  return [...methodsByPath(open)].map(([path, methods]) => ({ path, methods }));
}

function sendError(res: Response, family: RestFamily, error: AppError, logger: Logger) {
  if (error.code === 'INTERNAL') logger.error({ err: error.originalError ?? error }, 'REST request failed');
  const rendered = renderError(family, error);
  const retryAfter = error.details['retryAfterSeconds'];
  if (typeof retryAfter === 'number') res.set('Retry-After', String(Math.ceil(retryAfter)));
  sendJson(res, rendered.status, rendered.body);
}

/** Logged when a route answers a status it did not declare (the status guard below). */
export const UNDECLARED_STATUS_MESSAGE = 'REST route answered a status it does not declare';

/**
 * The REST compatibility layer: one Express route per declaration; bodies validated before anything
 * runs; responses stripped to the declared shape; every error in the path's own legacy dialect.
 */
export function createRestLayer(options: RestLayerOptions): Router {
  const router = express.Router();
  // Only what is parsed as JSON is held to its limit; a multipart upload is read by its route.
  const json: express.RequestHandler = (req, res, next) =>
    req.is('application/json') ? restJsonBody(req, res, next) : next();
  const multipart = acceptMultipartUpload(options.multipartMaxBytes);

  for (const route of options.routes) {
    const declared = declaredStatuses(route);
    const bodyReaders = route.bodyFormat === 'multipart' ? [multipart, json] : [json];
    router[route.method](route.path, ...bodyReaders, async (req, res) => {
      // Made only on the way to an error: a healthy request logs nothing here.
      let routeLogger: Logger | undefined;
      const logger = () =>
        (routeLogger ??= options.logger.child({ route: `${route.method.toUpperCase()} ${route.path}` }));
      // koaGuard's status check: an answer the declaration (and so /openapi.json) does not list is
      // a bug of the route; it is logged where tests (and operators) see it.
      res.once('finish', () => {
        if (!declared.has(res.statusCode))
          logger().error({ status: res.statusCode, declared: [...declared.keys()] }, UNDECLARED_STATUS_MESSAGE);
      });
      // Refusals of such a route are not kept either.
      if (route.noStore) res.set(NO_STORE_HEADERS);
      try {
        const authenticator = options.authenticators[route.auth];
        if (!authenticator)
          throw new AppError('NOT_CONFIGURED', `Authentication scheme ${route.auth} is not available`);
        const caller = await authenticator(req);
        caller.authorizePath?.(routedPath(route.path, req.params));
        const { principal } = caller;
        if ((route.auth === 'bearer' || route.auth === 'member') && principal.kind === 'anonymous')
          throw new AppError('UNAUTHENTICATED');
        const answer = await runRoute(route, req, principal, (document, variables) =>
          dataAs(options.executeAs, req, res, caller, document, variables),
        );
        if (answer.headers) res.set(answer.headers);
        if (answer.readableBy) readableOnlyBy(req, res, answer.readableBy);
        sendJson(res, answer.status, answer.body);
      } catch (error) {
        sendError(res, route.family, asAppError(error), logger());
      }
    });
  }

  // The three legacy services' routers (FastAPI for seeds 000 and 004, go-zero for seed 003) answered
  // a known path asked with another method 405 with `Allow`, before any credential was looked at.
  const families = new Map(options.routes.map((route) => [route.path, route.family]));
  for (const [path, methods] of methodsByPath(options.routes)) {
    const family = families.get(path)!;
    router.all(path, (_req, res) => {
      res.set('Allow', methods.join(', '));
      // FastAPI's own words for seed 000; the others in their family's error shape.
      if (family === 'internal') sendJson(res, 405, { detail: 'Method Not Allowed' });
      else sendError(res, family, new AppError('METHOD_NOT_ALLOWED'), options.logger);
    });
  }

  // Unknown paths, and requests refused before any route ran (unreadable bodies, broken path
  // encoding: client-errors.ts), answer in the dialect of the path they were sent to.
  router.use(['/internal', '/api/v1'], (req, res) => {
    const path = req.baseUrl + req.path;
    if (familyForPath(path) === 'internal') {
      // FastAPI's own words for a path it has no route for.
      res.status(404).json({ detail: 'Not Found' });
      return;
    }
    sendError(
      res,
      familyForPath(path),
      new AppError('NOT_FOUND', `No route for ${req.method} ${path}`),
      options.logger,
    );
  });
  router.use((error: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    sendError(
      res,
      familyForPath(req.baseUrl + req.path),
      clientRequestError(error) ?? asAppError(error),
      options.logger,
    );
  });
  return router;
}

/** A request refused before any route ran (the rate limits' 429), in the dialect of its path. */
export function refuseByPath(req: Request, res: Response, error: AppError): void {
  const rendered = renderError(familyForPath(req.path), error);
  sendJson(res, rendered.status, rendered.body);
}

/**
 * The same client mistakes raised outside the REST layer (a picture URL with broken %-encoding),
 * answered in the dialect of their path; anything else goes on to the final handler (a 500).
 */
export function clientErrorsByPath(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    const refusal = clientRequestError(error);
    if (refusal) sendError(res, familyForPath(req.baseUrl + req.path), refusal, logger);
    else next(error);
  };
}
