import type { OpenApiOperation } from '../../rest/raw-route.js';

/** The self-service pages in /openapi.json: a token or a form in, an HTML page out. */
const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const tags = ['oauth: self-service pages'];
const token = { name: 'token', in: 'query', required: true, schema: { type: 'string' } };
/** The page's language (docs/languages.md); mail links carry the mail's. */
const uiLocales = {
  name: 'ui_locales',
  in: 'query',
  required: false,
  description: 'Space-separated language tags, first supported wins (en, ko, zh-Hant)',
  schema: { type: 'string' },
};
const form = (fields: readonly string[]) => ({
  required: true,
  content: {
    'application/x-www-form-urlencoded': {
      schema: { type: 'object', properties: Object.fromEntries(fields.map((n) => [n, { type: 'string' }])) },
    },
  },
});
const limited = { '429': { description: 'Too many requests (see Retry-After)' }, '500': page('The server failed') };

export const verifyEmailPageOperation: OpenApiOperation = {
  operationId: 'getOauthVerifyEmail',
  summary: "A verification mail's link: verifies the address (or applies a change of address) once",
  tags,
  security: [{}],
  parameters: [token, uiLocales],
  responses: {
    '200': page('Verified, or the new address replaced the old one'),
    '404': page('No such link'),
    '410': page('The link was used, expired, replaced by a newer one, or its address was taken'),
    ...limited,
  },
};

export const forgotPasswordPageOperation: OpenApiOperation = {
  operationId: 'getOauthForgotPassword',
  summary: 'Asks for the address to mail a password reset link to (the sign-in page links here)',
  tags,
  security: [{}],
  responses: { '200': page('The form'), ...limited },
};

export const forgotPasswordOperation: OpenApiOperation = {
  operationId: 'postOauthForgotPassword',
  summary: 'Mails a reset link when the address has an account; the same page either way',
  tags,
  security: [{}],
  requestBody: form(['email', 'csrf_token']),
  responses: {
    '200': page('"Check your e-mail", for every address'),
    '400': page('No address given'),
    '403': page('The form could not be verified (CSRF)'),
    ...limited,
  },
};

export const resetPasswordPageOperation: OpenApiOperation = {
  operationId: 'getOauthResetPassword',
  summary: "A reset mail's link: the form for the new password, or why the link no longer works",
  tags,
  security: [{}],
  parameters: [token, uiLocales],
  responses: { '200': page('The form'), '410': page('Used, expired, superseded or unknown link'), ...limited },
};

export const resetPasswordOperation: OpenApiOperation = {
  operationId: 'postOauthResetPassword',
  summary: 'Sets the new password (action=reset) and signs in, with the second factor when enrolled (action=mfa)',
  tags,
  security: [{}],
  requestBody: form(['action', 'token', 'password', 'mfa_ticket', 'code', 'csrf_token', 'ui_locales']),
  responses: {
    '200': page('Password changed and signed in (session cookie set); every other session ended'),
    '400': page('The password does not meet the policy'),
    '401': page('The second factor is needed, or was wrong'),
    '403': page('The form could not be verified (CSRF)'),
    '410': page('Used, expired, superseded or unknown link'),
    ...limited,
  },
};

export const signUpPageOperation: OpenApiOperation = {
  operationId: 'getOauthSignUp',
  summary: 'The sign-up form (REGISTRATION_ENABLED); the sign-in page links here with its authorization request',
  tags,
  security: [{}],
  responses: { '200': page('The form'), '404': page('Sign-up is closed here'), ...limited },
};

export const signUpOperation: OpenApiOperation = {
  operationId: 'postOauthSignUp',
  summary: 'Creates the account (GraphQL register), mails the verification link, and signs in',
  tags,
  security: [{}],
  requestBody: form(['email', 'password', 'display_name', 'csrf_token']),
  responses: {
    '200': page('Created: signed in, or (REQUIRE_VERIFIED_EMAIL) told to open the mailed link first'),
    '303': { description: 'Created and signed in: back to the authorization request it came with' },
    '400': page('A field is not valid (the password policy, the address)'),
    '403': page('The form could not be verified (CSRF)'),
    '404': page('Sign-up is closed here'),
    '409': page('An account with this address exists'),
    ...limited,
  },
};
