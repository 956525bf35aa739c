import { z } from 'zod';
import { AppError } from '../../../../lib/errors/index.js';
import { OAuthApplicationTokenDocument } from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';

/**
 * RFC 6749 §5.2, as `POST /oauth/token` answers it: every refusal with an RFC code is 400, except
 * `invalid_client` (401). Identity raises them as catalog errors whose `details.error` is the code.
 */
function refuseWithTokenEndpointStatus(error: unknown): never {
  const code = error instanceof AppError ? error.details['error'] : undefined;
  if (error instanceof AppError && typeof code === 'string' && code !== 'invalid_client') {
    throw new AppError('BAD_REQUEST', error.message, { details: error.details });
  }
  throw error;
}

const text = (max: number) => z.string().max(max).optional();

/**
 * seed 004 `POST /api/v1/auth/token`: the token endpoint with a JSON body and the client's secret in
 * it (client_secret_post). Standard clients use `POST /oauth/token` (token-endpoint.ts).
 */
export const tokenRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'post',
    path: '/api/v1/auth/token',
    auth: 'none',
    rateLimit: 'auth',
    summary:
      'Trades an authorization code (grant_type=authorization_code, with code_verifier when PKCE was used) or an ' +
      "application's refresh token (grant_type=refresh_token) for tokens. Refresh tokens rotate on every use",
    tags: ['oauth: auth'],
    body: z.object({
      grant_type: text(64).describe('authorization_code or refresh_token'),
      code: text(200),
      redirect_uri: text(2000).describe('The one the code was issued for'),
      client_id: text(200),
      client_secret: text(200).describe('Absent for a public client'),
      code_verifier: text(200),
      refresh_token: text(200),
      scope: text(500).describe('refresh_token only: a subset of the granted scopes'),
    }),
    response: z.object({
      access_token: z.string().describe('ES256 JWT with client_id and scope'),
      refresh_token: z.string().describe('Single use: every refresh returns a new one'),
      token_type: z.literal('bearer'),
      expires_in: z.number().int(),
      scope: z.string().describe('Space-separated granted scopes'),
      id_token: z
        .string()
        .optional()
        .describe('OpenID Connect ID token, only when the grant includes openid (a superset of seed 004)'),
    }),
    noStore: true,
    // Browser applications (public clients) of registered origins; the tokens only to their own.
    cors: true,
    errors: {
      400:
        'RFC 6749 §5.2: the code or refresh token is invalid, expired, already used, of another client or ' +
        'redirect_uri, or fails PKCE (`invalid_grant`; a replayed code also revokes the tokens issued for it), a ' +
        'parameter is missing (`invalid_request`), `unsupported_grant_type`, `invalid_scope` or `unauthorized_client`',
      401: 'Client authentication failed (`invalid_client`)',
      422: 'The body does not fit its schema (a value of the wrong type or too long)',
    },
    async handle({ body, graphql }) {
      const { requestApplicationToken: issued } = await graphql(OAuthApplicationTokenDocument, {
        input: {
          grantType: body.grant_type ?? '',
          clientId: body.client_id ?? null,
          clientSecret: body.client_secret ?? null,
          code: body.code ?? null,
          redirectUri: body.redirect_uri ?? null,
          codeVerifier: body.code_verifier ?? null,
          refreshToken: body.refresh_token ?? null,
          scope: body.scope ?? null,
        },
      }).catch(refuseWithTokenEndpointStatus);
      return {
        readableBy: issued.allowedOrigins,
        body: {
          access_token: issued.accessToken,
          refresh_token: issued.refreshToken,
          token_type: 'bearer' as const,
          expires_in: issued.expiresIn,
          scope: issued.scope,
          ...(issued.openId?.idToken ? { id_token: issued.openId.idToken } : {}),
        },
      };
    },
  }),
];
