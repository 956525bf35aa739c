import type { Request, RequestHandler, Response } from 'express';
import { bearerToken } from '../../../lib/auth/access-token.js';
import { AppError } from '../../../lib/errors/index.js';
import { OPENID_SCOPE } from '../../../lib/oidc/claims.js';
import { USERINFO_ENDPOINT_PATH } from '../discovery/metadata.js';
import { dataAs } from '../execution/in-process.js';
import { OpenIdUserInfoDocument } from '../generated/graphql.js';
import { NO_STORE_HEADERS } from '../http/no-store.js';
import type { OpenApiOperation, RawRouteContext, RawRouteDeclaration } from '../rest/raw-route.js';

/** RFC 6750 §3: the challenge, with the error when a token was sent (none when it was not). */
function challenge(res: Response, status: 401 | 403, error?: 'invalid_token' | 'insufficient_scope'): void {
  const parts = ['Bearer realm="membergraph"'];
  if (error) parts.push(`error="${error}"`);
  if (error === 'insufficient_scope') parts.push(`scope="${OPENID_SCOPE}"`);
  res
    .set(NO_STORE_HEADERS)
    .set('WWW-Authenticate', parts.join(', '))
    .status(status)
    .json({
      error: error ?? 'invalid_request',
      error_description:
        error === 'insufficient_scope'
          ? 'The access token was not granted openid'
          : error === 'invalid_token'
            ? 'The access token is invalid, expired or of an ended session'
            : 'A bearer access token is required',
    });
}

function tokenOf(req: Request): string | undefined | null {
  try {
    return bearerToken(req.headers.authorization);
  } catch {
    // Not a Bearer credential at all: as bad as a wrong token.
    return null;
  }
}

const userInfoOperation = (method: 'get' | 'post'): OpenApiOperation => ({
  operationId: `${method}OauthUserinfo`,
  summary: 'OpenID Connect UserInfo (Core §5.3): the claims the access token may see of its user',
  tags: ['oauth: openid connect'],
  security: [{ bearerAuth: [] }],
  responses: {
    '200': {
      description:
        "`sub` and each released claim (scopes profile, email, phone; the member's sharing flags and the consent " +
        'decide); a claim without a value is absent, never null',
      content: { 'application/json': { schema: { type: 'object', required: ['sub'] } } },
    },
    '401': {
      description: 'No token (`WWW-Authenticate: Bearer`), or an invalid, expired or ended one (`invalid_token`)',
    },
    '403': { description: 'Not an application token granted openid (`insufficient_scope`)' },
    '429': { description: 'Too many requests (see Retry-After)' },
  },
});

/**
 * `GET` and `POST /oauth/userinfo` (OIDC Core §5.3), the `userinfo_endpoint`: the bearer token of an
 * application granted `openid` answers its user's released claims, computed by identity and member
 * (`openIdUserInfo`) under the same rules as the ID token's.
 */
function userInfoRoute(method: 'get' | 'post'): RawRouteDeclaration<RawRouteContext> {
  return {
    method,
    path: USERINFO_ENDPOINT_PATH,
    // A bearer-token read like GET /api/v1/users/me.
    rateLimit: 'general',
    // Browser applications (public clients) read it with their token.
    cors: true,
    openapi: userInfoOperation(method),
    handlers: ({ executeAs, authenticateToken, logger }) => [
      (async (req, res) => {
        const token = tokenOf(req);
        if (token === undefined) {
          challenge(res, 401);
          return;
        }
        const principal = token ? await authenticateToken(token) : undefined;
        if (!principal) {
          challenge(res, 401, 'invalid_token');
          return;
        }
        if (principal.kind !== 'user' || !principal.clientId || !principal.scopes.includes(OPENID_SCOPE)) {
          challenge(res, 403, 'insufficient_scope');
          return;
        }
        try {
          const { openIdUserInfo } = await dataAs(
            executeAs,
            req,
            res,
            { principal, forward: `Bearer ${token}` },
            OpenIdUserInfoDocument,
          );
          res.set(NO_STORE_HEADERS).json(JSON.parse(openIdUserInfo.claims) as unknown);
        } catch (error) {
          // The token was good at the door but identity refused it since (its session ended, its user is
          // gone) or it is not an application grant's: the bearer-token errors say so.
          if (error instanceof AppError && error.status === 401) challenge(res, 401, 'invalid_token');
          else if (error instanceof AppError && error.status === 403) challenge(res, 403, 'insufficient_scope');
          else if (error instanceof AppError && error.status === 503) {
            res.set(NO_STORE_HEADERS).status(503).json({ error: 'temporarily_unavailable' });
          } else {
            logger.error({ err: error }, 'userinfo failed');
            res.set(NO_STORE_HEADERS).status(500).json({ error: 'server_error' });
          }
        }
      }) satisfies RequestHandler,
    ],
  };
}

export const userInfoRoutes: readonly RawRouteDeclaration<RawRouteContext>[] = [
  userInfoRoute('get'),
  userInfoRoute('post'),
];
