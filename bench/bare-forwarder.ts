import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { httpTransport } from '../gateway/src/graphql/subgraph-transport.js';
import { RedisRateLimitStore } from '../gateway/src/limits/rate-limit-store.js';
import { createLogger } from '../lib/logging/logger.js';

/**
 * Goal 3's ceiling: the least any gateway in front of identity must do, and nothing more. Each POST's
 * body and headers go to FORWARD_TARGET (identity's GraphQL URL) through the transport the gateway
 * itself uses (a keep-alive undici pool), and the answer's status, content type and body come back:
 * no token check, no rate limit, no GraphQL, no logging, no metrics. What `me` keeps of its
 * throughput through this process is the most a gateway can keep on the same cores, since a gateway
 * does all of this and more. Run by the bench as a process of its own: FORWARD_PORT, FORWARD_TARGET.
 *
 * With FORWARD_RATE_LIMIT_REDIS (a Redis URL), each POST first takes one request from its caller's
 * budget (FORWARD_RATE_LIMIT_PER_MINUTE, keyed by its authorization header) through the gateway's
 * own shared rate limit store, and is refused with 429 once that is spent: the least a gateway whose
 * replicas share their callers' budgets must do.
 */
const transport = httpTransport(process.env['FORWARD_TARGET'] ?? '', { connections: 64 });

const redisUrl = process.env['FORWARD_RATE_LIMIT_REDIS'];
const rateLimits = redisUrl
  ? new RedisRateLimitStore({
      url: redisUrl,
      logger: createLogger({ logLevel: 'warn' }, 'bare-forwarder'),
      // A namespace of this process's own: a budget shared with nothing else.
      keyPrefix: `membergraph:bench-forwarder:${process.pid}:`,
    })
  : undefined;
const rateLimitPolicy = {
  limit: Number(process.env['FORWARD_RATE_LIMIT_PER_MINUTE'] ?? 1_000_000),
  windowMs: 60_000,
};

/** Headers that describe one hop (RFC 9110 §7.6.1), not the message: never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

/** Whether the caller has budget left (always, without a store). */
async function allowed(request: IncomingMessage): Promise<boolean> {
  if (!rateLimits) return true;
  const caller = createHash('sha256')
    .update(request.headers.authorization ?? '')
    .digest('base64url');
  return (await rateLimits.hit(caller, rateLimitPolicy)).allowed;
}

function forward(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    allowed(request)
      .then(async (pass) => {
        if (!pass) {
          response.writeHead(429, { 'content-type': 'text/plain' }).end('rate limited');
          return;
        }
        const { status, contentType, text } = await transport.send(Buffer.concat(chunks).toString('utf8'), headers);
        response.writeHead(status, contentType ? { 'content-type': contentType } : {}).end(text);
      })
      .catch((error: Error) => response.writeHead(502, { 'content-type': 'text/plain' }).end(error.message));
  });
}

// Requests are not taken before Redis answers: the store fails open while it is away.
if (rateLimits && !(await rateLimits.ready())) throw new Error(`Redis at ${redisUrl} is not reachable`);
const server = createServer(forward);
server.listen(Number(process.env['FORWARD_PORT']), '127.0.0.1', () => {
  console.log(`bare forwarder at http://127.0.0.1:${process.env['FORWARD_PORT']} → ${process.env['FORWARD_TARGET']}`);
});
process.on('SIGTERM', () => {
  server.close();
  void transport.close();
  void rateLimits?.close();
});
