/**
 * The algorithms an application may have its ID tokens signed with (its registration's
 * `id_token_signed_response_alg`, OpenID Connect Registration §2). ES256 is ours by default, as
 * access tokens use it; RS256 is there because OpenID Connect Core §15.1 makes it mandatory to
 * implement, and relying parties configured without discovery assume it.
 */
export const ID_TOKEN_SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type IdTokenSigningAlgorithm = (typeof ID_TOKEN_SIGNING_ALGORITHMS)[number];
export const DEFAULT_ID_TOKEN_SIGNING_ALGORITHM: IdTokenSigningAlgorithm = 'ES256';

export const isIdTokenSigningAlgorithm = (value: unknown): value is IdTokenSigningAlgorithm =>
  (ID_TOKEN_SIGNING_ALGORITHMS as readonly unknown[]).includes(value);
