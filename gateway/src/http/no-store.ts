/**
 * An answer that carries a token or a secret must not be kept by any cache on the way: RFC 6749 §5.1
 * asks for both headers (`Pragma` for HTTP/1.0 caches).
 */
export const NO_STORE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;
