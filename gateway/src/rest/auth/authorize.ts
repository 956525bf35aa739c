import { z } from 'zod';
import { AppError } from '../../../../lib/errors/index.js';
import { OAuthAuthorizeDocument } from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';

const parameters = z.object({
  response_type: z.string().max(64).optional().describe('"code"'),
  client_id: z.string().max(200).optional(),
  redirect_uri: z.string().max(2000).optional().describe('Exactly as registered'),
  scope: z
    .string()
    .max(500)
    .optional()
    .describe('Space-separated: read, write, openid, profile, email, phone ("read" when absent)'),
  state: z.string().max(1024).optional().describe('Returned unchanged; use it against CSRF'),
  code_challenge: z.string().max(128).optional().describe('PKCE S256 challenge; required for public clients'),
  code_challenge_method: z.string().max(16).optional().describe('"S256" ("plain" is refused)'),
  nonce: z.string().max(512).optional().describe('OpenID Connect: echoed exactly in the ID token'),
  prompt: z
    .string()
    .max(100)
    .optional()
    .describe('OpenID Connect: none (consent_required unless already consented), login (always login_required here)'),
  max_age: z.string().max(16).optional().describe('OpenID Connect: login_required when the token sign-in is older'),
  login_hint: z.string().max(320).optional().describe('OpenID Connect: accepted and ignored (no page here)'),
  request: z.string().max(8192).optional().describe('OpenID Connect request object: refused (request_not_supported)'),
  request_uri: z.string().max(2048).optional().describe('Refused (request_uri_not_supported)'),
});
type Parameters = z.output<typeof parameters>;

/** Without these nothing can be redirected: the answer goes to the caller, not to a URI. */
function required(value: string | undefined, parameter: 'client_id' | 'redirect_uri'): string {
  if (value) return value;
  throw new AppError('VALIDATION_FAILED', `${parameter} is required`, {
    details: { error: 'invalid_request', parameter },
  });
}

/** seed 004 `POST /api/v1/auth/authorize`: the user of the bearer token approves the request. */
export const authorizeRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'post',
    path: '/api/v1/auth/authorize',
    auth: 'bearer',
    rateLimit: 'auth',
    summary:
      "Approves an authorization request as the bearer token's user (the consent is recorded) and answers 302 to " +
      'redirect_uri?code=…&state=…&iss=…. Parameters come in the query (as documented) or a JSON body. ' +
      'Problems after client_id and redirect_uri are checked are redirected too (RFC 6749 §4.1.2.1: ' +
      'error=invalid_scope, unsupported_response_type, invalid_request, with state)',
    tags: ['oauth: auth'],
    query: parameters,
    body: parameters,
    response: z.object({ redirect_to: z.string().describe('The same URL as the Location header') }),
    successStatus: 302,
    // The Location carries the authorization code.
    noStore: true,
    errors: {
      401: 'No bearer token, or it is invalid, expired or of an ended session',
      403: "The bearer token is an application's, which cannot approve authorizations",
      422:
        '`invalid_request` with `details.parameter`: client_id missing or unknown, or redirect_uri missing or ' +
        'not registered. Never redirected',
    },
    async handle({ query, body, graphql }) {
      const param = (name: keyof Parameters) => query[name] ?? body[name] ?? null;
      const { authorizeApplication } = await graphql(OAuthAuthorizeDocument, {
        input: {
          clientId: required(param('client_id') ?? undefined, 'client_id'),
          redirectUri: required(param('redirect_uri') ?? undefined, 'redirect_uri'),
          responseType: param('response_type'),
          scope: param('scope'),
          state: param('state'),
          codeChallenge: param('code_challenge'),
          codeChallengeMethod: param('code_challenge_method'),
          nonce: param('nonce'),
          prompt: param('prompt'),
          maxAge: param('max_age'),
          request: param('request'),
          requestUri: param('request_uri'),
        },
      });
      return {
        headers: { Location: authorizeApplication.redirectTo },
        body: { redirect_to: authorizeApplication.redirectTo },
      };
    },
  }),
];
