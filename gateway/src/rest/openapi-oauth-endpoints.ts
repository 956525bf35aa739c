import { AUTHORIZATION_ENDPOINT_PATH, TOKEN_ENDPOINT_PATH } from '../discovery/metadata.js';

/**
 * The RFC 6749 endpoints are mounted outside the route table (token-endpoint.ts, pages/): they take
 * form-encoded bodies and answer RFC 6749 errors or HTML pages, which the route table cannot express.
 * Described here by hand so that the document still lists everything a client can call.
 */
const rfc6749Error = {
  type: 'object',
  description: 'RFC 6749 §5.2 error',
  properties: {
    error: {
      type: 'string',
      enum: [
        'invalid_request',
        'invalid_client',
        'invalid_grant',
        'unauthorized_client',
        'unsupported_grant_type',
        'invalid_scope',
        'temporarily_unavailable',
        'server_error',
      ],
    },
    error_description: { type: 'string' },
  },
  required: ['error'],
};

const tokenError = (description: string) => ({
  description,
  content: { 'application/json': { schema: rfc6749Error } },
});

const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

const authorizeParameters = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
];

export const oauthEndpointPaths: Record<string, Record<string, unknown>> = {
  [TOKEN_ENDPOINT_PATH]: {
    post: {
      operationId: 'postOauthToken',
      summary: 'RFC 6749 token endpoint: authorization_code, refresh_token and client_credentials grants',
      tags: ['oauth: token endpoint'],
      // client_secret_basic, client_secret_post (no header) or a public client with PKCE (no header).
      security: [{ basicAuth: [] }, {}],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              properties: {
                grant_type: { type: 'string', enum: ['authorization_code', 'refresh_token', 'client_credentials'] },
                code: { type: 'string' },
                redirect_uri: { type: 'string' },
                code_verifier: { type: 'string' },
                refresh_token: { type: 'string' },
                scope: { type: 'string' },
                client_id: { type: 'string' },
                client_secret: { type: 'string' },
              },
              required: ['grant_type'],
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'The token (Cache-Control: no-store)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  access_token: { type: 'string' },
                  token_type: { const: 'Bearer' },
                  expires_in: { type: 'integer' },
                  refresh_token: { type: ['string', 'null'] },
                  scope: { type: ['string', 'null'] },
                },
                required: ['access_token', 'token_type', 'expires_in'],
              },
            },
          },
        },
        '400': tokenError('invalid_request, invalid_grant, unsupported_grant_type, invalid_scope, …'),
        '401': tokenError('invalid_client (with WWW-Authenticate when Basic was used)'),
        '429': tokenError('Too many requests (see Retry-After)'),
        '500': tokenError('server_error'),
        '503': tokenError('temporarily_unavailable'),
      },
    },
  },
  [AUTHORIZATION_ENDPOINT_PATH]: {
    get: {
      operationId: 'getOauthAuthorize',
      summary: 'RFC 6749 authorization endpoint: the hosted sign-in and consent page',
      tags: ['oauth: authorization pages'],
      security: [{}],
      parameters: authorizeParameters.map((name) => ({
        name,
        in: 'query',
        required: ['response_type', 'client_id', 'redirect_uri'].includes(name),
        schema: { type: 'string' },
      })),
      responses: {
        '200': page('The sign-in or consent page'),
        '303': { description: 'Back to redirect_uri with a code or an RFC 6749 §4.1.2.1 error' },
        '400': page('The request cannot be shown (unknown client, unregistered redirect_uri, …)'),
        '429': { description: 'Too many requests (see Retry-After)' },
        '500': page('The server failed'),
      },
    },
    post: {
      operationId: 'postOauthAuthorize',
      summary: 'Submits the hosted sign-in, second factor or consent form',
      tags: ['oauth: authorization pages'],
      security: [{}],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              properties: Object.fromEntries(
                [...authorizeParameters, 'action', 'email', 'password', 'mfa_ticket', 'code', 'csrf_token'].map((n) => [
                  n,
                  { type: 'string' },
                ]),
              ),
              required: ['action'],
            },
          },
        },
      },
      responses: {
        '200': page('The next page of the flow'),
        '303': { description: 'Back to redirect_uri with a code or an RFC 6749 §4.1.2.1 error' },
        '400': page('A field is missing or invalid'),
        '401': page('Wrong credentials or code, or the session ended'),
        '403': page('The form could not be verified (CSRF), or the account cannot sign in'),
        '429': page('Too many attempts'),
        '500': page('The server failed'),
      },
    },
  },
};
