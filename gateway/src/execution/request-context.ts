import type { Request, RequestHandler, Response } from 'express';
import type { RequestOrigin } from '../../../lib/http/origin.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../../lib/http/request-id.js';
import { runInRequestScope } from '../../../lib/http/request-scope.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { notePrincipal } from '../observability/metrics.js';
import type { GatewayContext } from '../context.js';
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
    notePrincipal(req, caller.principal);
    return new GatewayRequestContext(
      {
        principal: caller.principal,
        requestId: requestIdOf(res),
        // Only a credential the gateway accepted goes on (a `none` route ignores the header).
        authorization: caller.forward,
        // A hosted page serving an authorization request names its ui_locales (pages/locale.ts).
        origin: { ...originOf(req), uiLocales: uiLocalesOf(res) },
      },
      logger,
    );
  };
}

/**
 * Its logger is made when something logs (an unexpected error, a page): a healthy operation logs
 * nothing there, and a child logger made for every request was about 1% of the gateway's CPU per
 * federated query. A getter on the prototype, so that Apollo Server's copy of the context before each
 * operation (`Object.assign` onto `Object.create(prototype)`) copies the shared holder, not a logger.
 */
class GatewayRequestContext implements GatewayContext {
  readonly principal: GatewayContext['principal'];
  readonly requestId: string;
  readonly authorization: string | undefined;
  readonly origin: RequestOrigin;
  private readonly made: { logger?: Logger } = {};

  constructor(
    fields: Omit<GatewayContext, 'logger'>,
    private readonly processLogger: Logger,
  ) {
    this.principal = fields.principal;
    this.requestId = fields.requestId;
    this.authorization = fields.authorization;
    this.origin = fields.origin;
  }

  get logger(): Logger {
    return (this.made.logger ??= this.processLogger.child({ requestId: this.requestId }));
  }
}
