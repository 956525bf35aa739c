import { currentRequestScope } from '../http/request-scope.js';
import type { Logger } from '../logging/logger.js';

export interface UncaughtErrorDeps {
  readonly logger: Pick<Logger, 'error' | 'fatal'>;
  readonly exit: (code: number) => void;
}

/**
 * What happens to an error nothing caught (an emitter's `error` with no listener, a throw in a
 * timer, a rejection nobody awaited).
 *
 * Why not Node's default (print and exit): the rule is that no request ends the process, and one
 * client must not take every other client's requests down with it. Every emitter a request can
 * reach has an error listener (test/security/upload-robustness.test.ts); this is the net for the one
 * we missed. Why not "log and carry on" for everything: an error outside any request (startup, a
 * background job, a shared pool) leaves state we cannot vouch for.
 *
 * So: an error in a request's own async chain (the request scope, lib/http/request-scope.ts) is
 * that request's failure, logged loudly with its request id, answered 500 with the connection
 * closed (or cut, if the answer had begun), and the process goes on. Anything else is logged as
 * fatal and the process exits for its supervisor to restart, as it would have anyway. (A resource
 * first made inside a request, a pooled socket say, keeps that request's scope: its error is logged
 * with that request's id, which is then a lead, not a verdict.)
 */
export function handleUncaughtError(error: unknown, origin: string, deps: UncaughtErrorDeps): void {
  const scope = currentRequestScope();
  if (!scope) {
    deps.logger.fatal({ err: error, origin }, 'uncaught error outside any request: exiting');
    deps.exit(1);
    return;
  }
  const { requestId, res } = scope;
  deps.logger.error(
    { err: error, origin, requestId },
    'uncaught error in a request (an emitter without an error listener?): the request failed, the process goes on',
  );
  try {
    if (res.writableEnded) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = 500;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Connection', 'close');
    res.end(JSON.stringify({ error: 'internal', message: 'Internal error', details: {} }));
  } catch {
    res.destroy();
  }
}

/** Installs `handleUncaughtError` for the process; called once by each entry point. */
export function guardAgainstUncaughtErrors(logger: Logger): void {
  process.on('uncaughtException', (error, origin) => {
    handleUncaughtError(error, origin, { logger, exit: (code) => process.exit(code) });
  });
}
