import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/** A request carries a body when it says so (RFC 9112 §6.3): Transfer-Encoding, or a Content-Length above 0. */
function declaresBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) !== 0;
}

/**
 * An answer is about to start while the request's body has not been read to its end (an upload
 * refused halfway, a body over a limit, a 401 before the body was looked at). The bytes still on the
 * wire sit in front of the next request of a keep-alive connection: left unread, that request waits
 * until the server's header timeout (66 s behind a pooling proxy); read to the end, the client
 * decides how much we read. So the answer says `Connection: close`, and whatever of the body still
 * arrives is read and dropped only until Node closes the socket once the answer is written; that
 * small drain keeps the client's in-flight bytes from resetting the connection before it has read
 * the answer.
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || res.headersSent || !declaresBody(req)) return;
  res.setHeader('Connection', 'close');
  // Whoever was reading (busboy, body-parser) has given up; nothing else may hold the bytes back.
  req.unpipe();
  req.resume();
}

/**
 * Applies `closeIfBodyUnread` to every answer of the app, at the moment its head is written: every
 * route, refusal and error handler answers through `writeHead` (`res.end` and `res.json` call it
 * too), so no early answer can forget it. Mounted first.
 */
export const closeConnectionsAnsweredEarly: RequestHandler = (req, res, next) => {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
  res.writeHead = ((...args: unknown[]) => {
    closeIfBodyUnread(req, res);
    return writeHead(...args);
  }) as typeof res.writeHead;
  next();
};
