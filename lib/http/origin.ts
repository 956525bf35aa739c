import type { IncomingHttpHeaders } from 'node:http';
import type { RequestOrigin } from '../events/record.js';

/**
 * The gateway decides who the client is (its socket address) and tells subgraphs in this header.
 * Subgraphs are reachable only from the gateway, so they take it as given.
 */
export const CLIENT_IP_HEADER = 'x-membergraph-client-ip';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;

/** At the gateway: the socket's address, normalised (IPv4-mapped IPv6 becomes IPv4). */
export function originAtGateway(socketAddress: string | undefined, headers: IncomingHttpHeaders): RequestOrigin {
  const ip = socketAddress?.startsWith('::ffff:') ? socketAddress.slice(7) : (socketAddress ?? null);
  return { ipAddress: ip, userAgent: first(headers['user-agent'])?.slice(0, 512) ?? null };
}

/** In a subgraph: what the gateway forwarded. */
export function originFromGateway(headers: IncomingHttpHeaders): RequestOrigin {
  return {
    ipAddress: first(headers[CLIENT_IP_HEADER])?.slice(0, 64) ?? null,
    userAgent: first(headers['user-agent'])?.slice(0, 512) ?? null,
  };
}
