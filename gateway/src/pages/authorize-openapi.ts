import type { OpenApiOperation } from '../rest/raw-route.js';
import { flowFields } from './authorize-flow.js';

/** The hosted pages in /openapi.json: query parameters and forms in, HTML pages or redirects out. */
const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

export const authorizePageOperation: OpenApiOperation = {
  operationId: 'getOauthAuthorize',
  summary: 'RFC 6749 authorization endpoint: the hosted sign-in and consent page',
  tags: ['oauth: authorization pages'],
  security: [{}],
  parameters: flowFields.map((name) => ({
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
};

export const authorizeFormOperation: OpenApiOperation = {
  operationId: 'postOauthAuthorize',
  summary: 'Submits the hosted sign-in, second factor or consent form, or an authorization request as a form',
  tags: ['oauth: authorization pages'],
  security: [{}],
  requestBody: {
    required: true,
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: Object.fromEntries(
            [...flowFields, 'action', 'email', 'password', 'mfa_ticket', 'code', 'csrf_token', 'claims'].map((n) => [
              n,
              { type: 'string' },
            ]),
          ),
          description:
            "With `action` (and csrf_token), one of the pages' forms; without, an authorization request posted " +
            'by the application itself (OIDC Core §3.1.2.1), answered as the GET is',
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
};
