import type { RequestHandler } from 'express';
import { anonymous } from '../../../../lib/auth/principal.js';
import { TOKEN_ENDPOINT_PATH } from '../../discovery/metadata.js';
import { dataAs } from '../../execution/in-process.js';
import { OAuthApplicationTokenDocument } from '../../generated/graphql.js';
import { readableOnlyBy } from '../../http/cors.js';
import { NO_STORE_HEADERS } from '../../http/no-store.js';
import { tokenFormBody } from '../../http/request-bodies.js';
import type { RawRouteContext, RawRouteDeclaration } from '../raw-route.js';
import { tokenEndpointOperation } from './token-endpoint-openapi.js';
import { invalidRequest, sendTokenEndpointError, toTokenEndpointError, tokenRequest } from './token-request.js';

/** The form, read with the parser the rate limiter reads credentials with; a body it refuses is RFC 6749's 400. */
const readForm: RequestHandler = (req, res, next) => {
  tokenFormBody(req, res, (error?: unknown) => {
    if (error) sendTokenEndpointError(res, invalidRequest('The body could not be read'), false);
    else next();
  });
};

/**
 * `POST /oauth/token`: form-encoded, client_secret_basic or client_secret_post (or none, for a public
 * client with PKCE), RFC 6749 statuses and error bodies. The rules live in identity
 * (`requestApplicationToken`), shared with seed 004's JSON `POST /api/v1/auth/token`.
 */
export const tokenEndpointRoute: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: TOKEN_ENDPOINT_PATH,
  rateLimit: 'auth',
  // Browser applications exchange their codes here (PKCE); CORS itself is server.ts's.
  cors: true,
  openapi: tokenEndpointOperation,
  handlers: ({ executeAs, logger }) => [
    readForm,
    (async (req, res) => {
      let basic = /^Basic\s/i.test(req.headers.authorization ?? '');
      try {
        const request = tokenRequest(req);
        basic = request.basic;
        const { requestApplicationToken: issued } = await dataAs(
          executeAs,
          req,
          res,
          { principal: anonymous },
          OAuthApplicationTokenDocument,
          { input: request.input },
        );
        // Tokens are for their application's origins only.
        readableOnlyBy(req, res, issued.allowedOrigins);
        res
          .set(NO_STORE_HEADERS)
          .status(200)
          .json({
            access_token: issued.accessToken,
            // RFC 6750's spelling; clients compare it case-insensitively (RFC 6749 §5.1).
            token_type: 'Bearer',
            expires_in: issued.expiresIn,
            refresh_token: issued.refreshToken,
            scope: issued.scope,
            // OpenID Connect (scope openid): the ID token for the same session.
            ...(issued.openId?.idToken ? { id_token: issued.openId.idToken } : {}),
          });
      } catch (error) {
        sendTokenEndpointError(res, toTokenEndpointError(error, logger), basic);
      }
    }) satisfies RequestHandler,
  ],
};
