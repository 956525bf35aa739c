import type { Request, RequestHandler, Response } from 'express';
import type { RequestOrigin } from '../../../lib/http/origin.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../../lib/http/request-id.js';
import { runInRequestScope } from '../../../lib/http/request-scope.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { notePrincipal } from '../observability/metrics.js';
import type { ContextFor } from './in-process.js';

/** The `ui_locales` a hosted page is serving, for mails sent on its behalf (lib/i18n); null elsewhere. */
export const uiLocalesOf = (res: Response): string | null => {
  const value: unknown = res.locals['uiLocales'];
  return typeof value === 'string' ? value : null;
};

/** The request id chosen once per request (assignRequestIds); reused everywhere after. */
export const requestIdOf = (res: Response) => String(res.locals['requestId']);

/** The caller's X-Request-Id when usable, else a new one; answered back, and the scope of everything after. */
export const assignRequestIds: RequestHandler = (req, res, next) => {
  res.locals['requestId'] = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  res.set(REQUEST_ID_HEADER, requestIdOf(res));
  // An error nothing caught is then this request's failure (lib/errors/uncaught.ts).
  runInRequestScope({ requestId: requestIdOf(res), res }, next);
};

/**
 * The context every operation of a request runs with, `/graphql` and in-process alike: who calls, the
 * credential forwarded to the subgraphs, the request id and origin, and a logger that names the request.
 */
export function gatewayContexts(logger: Logger, originOf: (req: Request) => RequestOrigin): ContextFor {
  return (req, res, caller) => {
    const requestId = requestIdOf(res);
    notePrincipal(req, caller.principal);
    return {
      principal: caller.principal,
      requestId,
      // Only a credential the gateway accepted goes on (a `none` route ignores the header).
      authorization: caller.forward,
      // A hosted page serving an authorization request names its ui_locales (pages/locale.ts).
      origin: { ...originOf(req), uiLocales: uiLocalesOf(res) },
      logger: logger.child({ requestId }),
    };
  };
}
