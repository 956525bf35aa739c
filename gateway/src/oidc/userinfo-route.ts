import express, { type Request, type RequestHandler, type Response } from 'express';
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

const formBody = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 8 });

/** A form the parser refuses (too large, another charset, not gzip) is RFC 6750's invalid_request. */
const readForm: RequestHandler = (req, res, next) => {
  formBody(req, res, (error?: unknown) => {
    if (!error) {
      next();
      return;
    }
    res
      .set(NO_STORE_HEADERS)
      .status(400)
      .json({ error: 'invalid_request', error_description: 'The body could not be read' });
  });
};

/**
 * The access token: RFC 6750 §2.1's Authorization header, or §2.2's form-encoded `access_token` of a
 * POST (one method only: both is a bad request). Undefined: none was sent; null: unusable.
 */
type PresentedToken = { readonly token: string } | 'none' | 'unusable' | 'both';

function tokenOf(req: Request): PresentedToken {
  const form: unknown = req.method === 'POST' && req.is('application/x-www-form-urlencoded') ? req.body : undefined;
  const inBody =
    typeof form === 'object' && form !== null ? (form as Record<string, unknown>)['access_token'] : undefined;
  if (inBody !== undefined) {
    if (req.headers.authorization) return 'both';
    return typeof inBody === 'string' && /^[A-Za-z0-9\-_.~+/]+=*$/.test(inBody) ? { token: inBody } : 'unusable';
  }
  try {
    const token = bearerToken(req.headers.authorization);
    return token ? { token } : 'none';
  } catch {
    // Not a Bearer credential at all: as bad as a wrong token.
    return 'unusable';
  }
}

const userInfoOperation = (method: 'get' | 'post'): OpenApiOperation => ({
  operationId: `${method}OauthUserinfo`,
  summary: 'OpenID Connect UserInfo (Core §5.3): the claims the access token may see of its user',
  tags: ['oauth: openid connect'],
  security: [{ bearerAuth: [] }, {}],
  ...(method === 'post'
    ? {
        requestBody: {
          required: false,
          content: {
            'application/x-www-form-urlencoded': {
              schema: { type: 'object', properties: { access_token: { type: 'string' } } },
            },
          },
        },
      }
    : {}),
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
      // RFC 6750 §2.2: a POST may carry the token as a form parameter.
      ...(method === 'post' ? [readForm] : []),
      (async (req, res) => {
        const presented = tokenOf(req);
        if (presented === 'none') {
          challenge(res, 401);
          return;
        }
        if (presented === 'both') {
          res.set(NO_STORE_HEADERS).status(400).json({
            error: 'invalid_request',
            error_description: 'Send the access token in one way: the Authorization header or the form',
          });
          return;
        }
        const token = presented === 'unusable' ? undefined : presented.token;
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
