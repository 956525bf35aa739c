import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

/**
 * Goal 3's ceiling: the least any gateway in front of identity must do, and nothing more. Each
 * request's bytes go to FORWARD_TARGET (an origin) over a keep-alive undici pool, the answer's
 * status, content type and bytes come back: no token check, no rate limit, no GraphQL, no logging.
 * What `me` keeps of its throughput through this process is the most a gateway can keep on the same
 * cores, since a gateway does all of this and more. Run by the bench as a process of its own:
 * FORWARD_PORT, FORWARD_TARGET.
 */
const target = process.env['FORWARD_TARGET'] ?? '';
const pool = new Pool(target, { connections: 64, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 4_000 });

/** Headers that describe one hop (RFC 9110 §7.6.1), not the message: never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

class Relay implements Dispatcher.DispatchHandler {
  private readonly chunks: Buffer[] = [];
  private status = 502;
  private contentType: string | undefined;

  constructor(private readonly response: ServerResponse) {}

  // undici tells a handler of this API from one of its older API by this method being there.
  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: Record<string, unknown>): void {
    this.status = status;
    const type = headers['content-type'];
    this.contentType = typeof type === 'string' ? type : undefined;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = Buffer.concat(this.chunks);
    this.response.writeHead(this.status, {
      'content-length': body.length,
      ...(this.contentType ? { 'content-type': this.contentType } : {}),
    });
    this.response.end(body);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.response.writeHead(502, { 'content-type': 'text/plain' }).end(error.message);
  }
}

function forward(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    pool.dispatch(
      { path: request.url ?? '/', method: request.method ?? 'GET', headers, body: Buffer.concat(chunks) },
      new Relay(response),
    );
  });
}

const server = createServer(forward);
server.listen(Number(process.env['FORWARD_PORT']), '127.0.0.1', () => {
  console.log(`bare forwarder at http://127.0.0.1:${process.env['FORWARD_PORT']} → ${target}`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.close();
});
