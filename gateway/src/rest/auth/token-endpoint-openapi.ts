import type { OpenApiOperation } from '../raw-route.js';

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

/** The token endpoint in /openapi.json: a form body and RFC 6749 errors, which no route schema generates. */
export const tokenEndpointOperation: OpenApiOperation = {
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
};
