/**
 * Redirect URIs an administrator may register, and how a presented one is matched. Matching is exact
 * string comparison (RFC 9700 §4.1.3): no prefix, wildcard or normalisation that an attacker could
 * steer, so register each URI exactly as the application sends it.
 */
export const MAX_REDIRECT_URI_LENGTH = 2000;

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** RFC 8252 §7.1: a native app's private-use scheme, in reverse-domain form (com.example.app). */
const privateUseScheme = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;

export interface RedirectUriPolicy {
  /** development and test: plain http is accepted on any host, not only on loopback. */
  readonly allowInsecure: boolean;
}

/** Why `uri` cannot be registered, or undefined when it can. */
export function redirectUriProblem(uri: string, policy: RedirectUriPolicy): string | undefined {
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return `is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  if (uri !== uri.trim()) return 'has surrounding whitespace';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  // RFC 6749 §3.1.2: the code and state are appended to the query, so a fragment would swallow them.
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'https:') return url.hostname ? undefined : 'must name a host';
  if (url.protocol === 'http:') {
    // RFC 8252 §7.3: native apps listen on the loopback interface; that traffic never leaves the device.
    if (loopbackHosts.has(url.hostname) || policy.allowInsecure) return undefined;
    return 'must use https (http only on a loopback address such as http://127.0.0.1)';
  }
  if (privateUseScheme.test(url.protocol)) return undefined;
  return 'must use https, loopback http, or a private-use scheme such as com.example.app:/callback';
}

/** Exact match against the registered list. */
export function isRegisteredRedirectUri(registered: readonly string[], presented: string): boolean {
  return registered.includes(presented);
}

/**
 * The redirect back to the application: `params` are added to the registered URI's own query
 * (RFC 6749 §3.1.2 keeps it). Absent values are left out.
 */
export function redirectWith(redirectUri: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value != null) url.searchParams.set(name, value);
  return url.toString();
}
