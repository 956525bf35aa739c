import type { Request } from 'express';
import type { Principal } from '../../../lib/auth/principal.js';
import type { Logger } from '../../../lib/logging/logger.js';
import type { AnsweredRequest } from '../../../lib/observability/http-metrics.js';

/** Who the gateway found each request to be, for its log line (a refused credential: anonymous). */
const principals = new WeakMap<Request, Principal['kind']>();

export function notePrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal.kind);
}

/** Asked every few seconds by health checks and Prometheus: logged at debug, not among people's requests. */
const PROBES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/**
 * One line per request the gateway answers, refusals (401, 403, 429) included: method, route
 * template, status, duration, request id and the kind of principal. Paths, query strings and
 * credentials stay out of it; the request id leads to the rest (subgraph lines carry it too).
 */
export function accessLog(logger: Logger): (answered: AnsweredRequest) => void {
  // Its fields are the six below, none a secret: the process logger's redaction (a scan of every
  // field for the `*.password` paths) would cost 15 µs per request, about 3% of a federated `me`.
  const lines = logger.child({}, { redact: [] });
  return ({ req, res, route, status, durationMs }) => {
    lines[PROBES.has(route) ? 'debug' : 'info'](
      {
        method: req.method,
        route,
        status: status === 'aborted' ? status : Number(status),
        durationMs: Math.round(durationMs * 10) / 10,
        requestId: String(res.locals['requestId'] ?? ''),
        principal: principals.get(req) ?? 'anonymous',
      },
      'request',
    );
  };
}
