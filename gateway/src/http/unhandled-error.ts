import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../../lib/logging/logger.js';

/** The last handler: whatever nothing else answered is logged, and the client learns nothing of it. */
export function unhandledError(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    logger.error({ err: error }, 'unhandled gateway error');
    res.status(500).json({ error: 'internal', message: 'Internal error', details: {} });
  };
}
