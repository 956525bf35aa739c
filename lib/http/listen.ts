import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../config/env.js';

export interface Listening {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Who listens, for the message when the port is taken: "the gateway" and the variable "PORT". */
export interface ListenerName {
  readonly component: string;
  readonly variable: string;
}

/**
 * Listens and resolves with the bound port (port 0 picks a free one). A port already in use is a
 * ConfigError naming the variable that chose it: entry points stop with that one line (startOrExit).
 */
export async function listen(
  handler: RequestListener,
  port: number,
  host: string,
  name: ListenerName,
): Promise<Listening> {
  const server = createServer(handler).listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new ConfigError([
      `${name.variable}: ${host}:${port} is already in use by another process; ${name.component} listens there (set ${name.variable} to a free port)`,
    ]);
  }
  // Keep-alive longer than the gateway's agent timeout so pooled sockets are not cut mid-request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
