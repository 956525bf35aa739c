import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { normaliseAddress } from './address-match.js';

/** Where a request came from, as the gateway saw it. */
export interface RequestOrigin {
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  /**
   * The reader's language hints for mails and texts sent while serving the request (lib/i18n): the
   * authorization request's `ui_locales` (set by the hosted pages) and the browser's Accept-Language.
   */
  readonly uiLocales?: string | null;
  readonly acceptLanguage?: string | null;
}

/**
 * The gateway decides who the client is (its socket address) and tells subgraphs in this header.
 * Subgraphs are reachable only from the gateway, so they take it as given.
 */
export const CLIENT_IP_HEADER = 'x-membergraph-client-ip';
/** The `ui_locales` of the authorization request a page serves, forwarded like the client address. */
export const UI_LOCALES_HEADER = 'x-membergraph-ui-locales';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;

/**
 * At the gateway: the socket's address, unless that is a trusted proxy (TRUSTED_PROXIES); then the
 * right-most address in X-Forwarded-For that is not itself a trusted proxy. Anything a client writes
 * into X-Forwarded-For to the left of that is ignored.
 */
export function originAtGateway(
  socketAddress: string | undefined,
  headers: IncomingHttpHeaders,
  isTrustedProxy: (address: string) => boolean = () => false,
): RequestOrigin {
  let ip = socketAddress ? normaliseAddress(socketAddress) : null;
  if (ip && isTrustedProxy(ip)) {
    const hops = (first(headers['x-forwarded-for']) ?? '')
      .split(',')
      .map((hop) => normaliseAddress(hop.trim()))
      .filter((hop) => isIP(hop) !== 0);
    while (hops.length > 0 && ip && isTrustedProxy(ip)) ip = hops.pop() ?? ip;
  }
  return {
    ipAddress: ip,
    userAgent: first(headers['user-agent'])?.slice(0, 512) ?? null,
    acceptLanguage: first(headers['accept-language'])?.slice(0, 512) ?? null,
  };
}

/** In a subgraph: what the gateway forwarded. */
export function originFromGateway(headers: IncomingHttpHeaders): RequestOrigin {
  return {
    ipAddress: first(headers[CLIENT_IP_HEADER])?.slice(0, 64) ?? null,
    userAgent: first(headers['user-agent'])?.slice(0, 512) ?? null,
    uiLocales: first(headers[UI_LOCALES_HEADER])?.slice(0, 256) ?? null,
    acceptLanguage: first(headers['accept-language'])?.slice(0, 512) ?? null,
  };
}
