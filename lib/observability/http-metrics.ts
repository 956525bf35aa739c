import type { Request, RequestHandler, Response } from 'express';
import type { ServiceMetrics } from './metrics.js';

/** The route label of a request no route or known template matched (GET /nope): one value for all. */
export const UNMATCHED_ROUTE = 'unmatched';

/** What the HTTP measurement knows of a request once it is answered. */
export interface AnsweredRequest {
  readonly req: Request;
  readonly res: Response;
  /** The route template (`/api/v1/admin/users/:user_id`), never the raw path. */
  readonly route: string;
  /** The status sent, or `aborted` when the client left before the answer was complete. */
  readonly status: string;
  readonly durationMs: number;
}

export interface HttpMeasureOptions {
  /**
   * Templates of paths answered before any route matched (a 429 of the rate limits, a mounted
   * middleware such as `/graphql`): the first that matches names the request.
   */
  readonly templates?: readonly string[];
  /** Called once per request, after it is counted (the gateway's access log). */
  readonly onAnswered?: (answered: AnsweredRequest) => void;
}

/** Matches `/a/:b/c` templates (each `:param` one path segment), as Express does: any case, one trailing slash. */
export function templateMatcher(templates: readonly string[]): (path: string) => string | undefined {
  const compiled = templates.map((template) => {
    const pattern = template
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    return { template, regex: new RegExp(`^${pattern}/?$`, 'i') };
  });
  return (path) => compiled.find(({ regex }) => regex.test(path))?.template;
}

/** The template Express matched: the route's own path under the router's mount point. */
function matchedRoute(req: Request): string | undefined {
  const route = req.route as { path?: unknown } | undefined;
  const path = route?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  // A route of several fixed paths (the two discovery documents): the one asked for.
  if (Array.isArray(path)) {
    const fixed = path.filter((p): p is string => typeof p === 'string');
    return `${req.baseUrl}${fixed.find((p) => p === req.path) ?? fixed[0] ?? ''}`;
  }
  return undefined;
}

/** Inside a mounted middleware `req.path` lost its mount point: the original URL still has it. */
const originalPath = (req: Request) => (req.originalUrl || req.url).split('?')[0] ?? '/';

/** Names a request by its route template, `unmatched` when none fits (metrics labels, span names). */
export function routeNamer(templates: readonly string[] = []): (req: Request) => string {
  const fallback = templateMatcher(templates);
  return (req) => matchedRoute(req) ?? fallback(originalPath(req)) ?? UNMATCHED_ROUTE;
}

/**
 * Times every request into `membergraph_http_request_duration_seconds` by method, route template and
 * status. Labels stay bounded: a path no route or template matches is `unmatched`, whatever it was.
 */
export function measureHttp(metrics: ServiceMetrics, options: HttpMeasureOptions = {}): RequestHandler {
  const routeOf = routeNamer(options.templates);
  return (req, res, next) => {
    const began = performance.now();
    // `close` comes for every request, answered or abandoned; `finish` only for the answered ones.
    res.once('close', () => {
      const route = routeOf(req);
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      const durationMs = performance.now() - began;
      metrics.families.httpDuration.observe(
        { service: metrics.service, method: req.method, route, status },
        durationMs / 1000,
      );
      options.onAnswered?.({ req, res, route, status, durationMs });
    });
    next();
  };
}

/** GET /metrics: the registry in Prometheus text format. */
export function serveMetrics(metrics: Pick<ServiceMetrics, 'registry'>): RequestHandler {
  return async (_req, res, next) => {
    try {
      const text = await metrics.registry.metrics();
      res.set('Content-Type', metrics.registry.contentType).send(text);
    } catch (error) {
      next(error);
    }
  };
}
