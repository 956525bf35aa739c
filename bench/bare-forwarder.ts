import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { httpTransport } from '../gateway/src/graphql/subgraph-transport.js';

/**
 * Goal 3's ceiling: the least any gateway in front of identity must do, and nothing more. Each POST's
 * body and headers go to FORWARD_TARGET (identity's GraphQL URL) through the transport the gateway
 * itself uses (a keep-alive undici pool), and the answer's status, content type and body come back:
 * no token check, no rate limit, no GraphQL, no logging, no metrics. What `me` keeps of its
 * throughput through this process is the most a gateway can keep on the same cores, since a gateway
 * does all of this and more. Run by the bench as a process of its own: FORWARD_PORT, FORWARD_TARGET.
 */
const transport = httpTransport(process.env['FORWARD_TARGET'] ?? '', { connections: 64 });

/** Headers that describe one hop (RFC 9110 §7.6.1), not the message: never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

function forward(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    transport.send(Buffer.concat(chunks).toString('utf8'), headers).then(
      ({ status, contentType, text }) => {
        response.writeHead(status, contentType ? { 'content-type': contentType } : {}).end(text);
      },
      (error: Error) => response.writeHead(502, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
}

const server = createServer(forward);
server.listen(Number(process.env['FORWARD_PORT']), '127.0.0.1', () => {
  console.log(`bare forwarder at http://127.0.0.1:${process.env['FORWARD_PORT']} → ${process.env['FORWARD_TARGET']}`);
});
process.on('SIGTERM', () => {
  server.close();
  void transport.close();
});
