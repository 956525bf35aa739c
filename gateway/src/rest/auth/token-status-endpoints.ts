import type { Request, RequestHandler, Response } from 'express';
import { anonymous } from '../../../../lib/auth/principal.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import { INTROSPECTION_ENDPOINT_PATH, REVOCATION_ENDPOINT_PATH } from '../../discovery/metadata.js';
import { dataAs, type ExecuteAs } from '../../execution/in-process.js';
import { OAuthIntrospectTokenDocument, OAuthRevokeTokenDocument } from '../../generated/graphql.js';
import { NO_STORE_HEADERS } from '../../http/no-store.js';
import { tokenFormBody } from '../../http/request-bodies.js';
import type { OpenApiOperation, RawRouteContext, RawRouteDeclaration } from '../raw-route.js';
import {
  clientAuthentication,
  formParameter,
  invalidRequest,
  sendTokenEndpointError,
  toTokenEndpointError,
} from './token-request.js';

/** The form, read as the token endpoint reads its own; a body it refuses is RFC 6749's 400. */
const readForm: RequestHandler = (req, res, next) => {
  tokenFormBody(req, res, (error?: unknown) => {
    if (error) sendTokenEndpointError(res, invalidRequest('The body could not be read'), false);
    else next();
  });
};

/** The client's credentials, the token and its hint, as identity's input. */
function statusInput(req: Request) {
  const { clientId, clientSecret, basic } = clientAuthentication(req);
  const token = formParameter(req, 'token');
  if (!token) throw invalidRequest('token is required');
  return { basic, input: { clientId, clientSecret, token, tokenTypeHint: formParameter(req, 'token_type_hint') } };
}

/** Runs `work`, answering RFC 6749 §5.2 errors (401 + WWW-Authenticate for invalid_client with Basic). */
function endpoint(
  executeAs: ExecuteAs,
  logger: Logger,
  work: (req: Request, res: Response, executeAs: ExecuteAs) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    let basic = /^Basic\s/i.test(req.headers.authorization ?? '');
    try {
      basic = statusInput(req).basic;
      await work(req, res, executeAs);
    } catch (error) {
      sendTokenEndpointError(res, toTokenEndpointError(error, logger), basic);
    }
  };
}

const formOperation = (operationId: string, summary: string, ok: Record<string, unknown>): OpenApiOperation => ({
  operationId,
  summary,
  tags: ['oauth: token endpoint'],
  security: [{ basicAuth: [] }, {}],
  requestBody: {
    required: true,
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: {
            token: { type: 'string' },
            token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] },
            client_id: { type: 'string' },
            client_secret: { type: 'string' },
          },
          required: ['token'],
        },
      },
    },
  },
  responses: {
    '200': ok,
    '400': { description: 'RFC 6749 §5.2 `invalid_request` (no token, a repeated parameter, not a form)' },
    '401': { description: '`invalid_client`; with WWW-Authenticate when Basic was used' },
    '429': { description: 'Too many requests (see Retry-After)' },
  },
});

/**
 * `POST /oauth/revoke` (RFC 7009), the `revocation_endpoint`: an application revokes one of its access
 * or refresh tokens, which ends that grant (its session): every token of it stops working at once.
 * Public clients authenticate with their client_id alone. A token that is unknown, spent or another
 * client's is answered `200` all the same, with nothing done.
 */
export const revocationEndpointRoute: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: REVOCATION_ENDPOINT_PATH,
  // Client secrets are guessed here as at the token endpoint.
  rateLimit: 'auth',
  cors: true,
  openapi: formOperation('postOauthRevoke', 'RFC 7009 token revocation: ends the grant the token belongs to', {
    description: 'Revoked, or nothing to revoke (RFC 7009 §2.2); no body',
  }),
  handlers: ({ executeAs, logger }) => [
    readForm,
    endpoint(executeAs, logger, async (req, res) => {
      await dataAs(executeAs, req, res, { principal: anonymous }, OAuthRevokeTokenDocument, {
        input: statusInput(req).input,
      });
      res.set(NO_STORE_HEADERS).status(200).end();
    }),
  ],
};

/**
 * `POST /oauth/introspect` (RFC 7662), the `introspection_endpoint`, for confidential clients: whether
 * one of the client's own tokens is active, and what it is. Another client's token is `active: false`.
 */
export const introspectionEndpointRoute: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: INTROSPECTION_ENDPOINT_PATH,
  rateLimit: 'auth',
  openapi: formOperation('postOauthIntrospect', 'RFC 7662 token introspection, for confidential clients', {
    description:
      '`{active: false}`, or `active`, `scope`, `client_id`, `sub`, `sid`, `exp`, `iat`, `iss`, `token_type`',
    content: { 'application/json': { schema: { type: 'object', required: ['active'] } } },
  }),
  handlers: ({ executeAs, logger, config }) => [
    readForm,
    endpoint(executeAs, logger, async (req, res) => {
      const { introspectApplicationToken: status } = await dataAs(
        executeAs,
        req,
        res,
        { principal: anonymous },
        OAuthIntrospectTokenDocument,
        { input: statusInput(req).input },
      );
      res.set(NO_STORE_HEADERS).status(200);
      if (!status.active) {
        res.json({ active: false });
        return;
      }
      res.json({
        active: true,
        scope: status.scope,
        client_id: status.clientId,
        sub: status.sub,
        sid: status.sid,
        exp: status.exp,
        iat: status.iat,
        iss: config.publicUrl,
        // RFC 7662 §2.2 names the access token's type (RFC 6749 §5.1); a refresh token has none.
        ...(status.tokenType === 'access_token' ? { token_type: 'Bearer' } : {}),
      });
    }),
  ],
};
