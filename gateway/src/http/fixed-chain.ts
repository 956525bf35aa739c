import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';

/** A handler of the chain, and the path it is mounted at (`app.use(path, ...)`), if any. */
export interface ChainStep {
  readonly handle: RequestHandler | ErrorRequestHandler;
  readonly mountedAt?: string;
}

type Next = (error?: unknown) => void;

/**
 * Runs `steps` for a request whose route is known in advance (its URL is the mount point of the
 * mounted steps, without a query string), as `app` would run the same handlers
 * once its router had matched them: express's request and response objects, `req.url` and
 * `req.baseUrl` as the mount point leaves them, error handlers (four parameters) only for errors,
 * a throw or a rejected promise passed on as the error. What the router spends finding those
 * handlers among every route of the app (a regular expression per route) is not spent.
 */
export function fixedChain(
  app: Express,
  steps: readonly ChainStep[],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (incoming, outgoing) => {
    const { req, res } = asExpress(app, incoming, outgoing);
    const path = req.url;
    req.originalUrl = path;
    req.baseUrl = '';
    req.params = {};
    let index = 0;
    const next: Next = (error) => {
      // As the router reads `next(...)`: anything truthy but `'route'` is an error.
      const pending: unknown = error === 'route' ? undefined : error;
      while (index < steps.length) {
        const step = steps[index++]!;
        if (Boolean(pending) !== (step.handle.length === 4)) continue;
        req.baseUrl = step.mountedAt ?? '';
        req.url = step.mountedAt === undefined ? path : path.slice(step.mountedAt.length) || '/';
        run(step, pending, req, res, next);
        return;
      }
      req.baseUrl = '';
      req.url = path;
      lastResort(pending, req, res);
    };
    next();
  };
}

/** What `app.handle` does before its router runs: express's prototypes, the circular links, `res.locals`. */
function asExpress(app: Express, req: IncomingMessage, res: ServerResponse): { req: Request; res: Response } {
  if (app.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
  Object.assign(req, { res });
  Object.assign(res, { req });
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  const expressRes = res as Response;
  expressRes.locals ??= Object.create(null) as Response['locals'];
  return { req: req as Request, res: expressRes };
}

function run(step: ChainStep, error: unknown, req: Request, res: Response, next: Next): void {
  try {
    const returned: unknown = !error
      ? (step.handle as RequestHandler)(req, res, next)
      : (step.handle as ErrorRequestHandler)(error, req, res, next);
    if (returned instanceof Promise) {
      returned.catch((rejection: unknown) => next(rejection ?? new Error('Rejected promise')));
    }
  } catch (thrown) {
    next(thrown);
  }
}

/**
 * Nothing in the chain answered: express's final handler would. The chains here end with handlers
 * that always answer, so only an error thrown after the answer began gets here (the connection is
 * then cut, as finalhandler does).
 */
function lastResort(error: unknown, req: Request, res: Response): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res.statusCode = error ? 500 : 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(res.statusCode === 404 ? 'Not Found' : 'Internal Server Error');
}
