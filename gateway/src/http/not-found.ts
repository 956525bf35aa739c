import type { RequestHandler } from 'express';

/**
 * A path no route answers, outside the REST families (which answer in their own dialects): JSON in
 * the gateway's general error shape, rather than Express's HTML page.
 */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path}`, details: {} });
};
