import { z } from 'zod';
import { OAuthLoginDocument, OAuthLogoutDocument, OAuthRenewDocument } from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { messageResponse, tokenResponse, toTokenResponse } from '../oauth-shapes.js';

const tags = ['oauth: auth'];

/** seed 004 `/api/v1/auth/*`: password sign-in, sign-out and refresh. */
export const signInRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'post',
    path: '/api/v1/auth/login',
    auth: 'none',
    rateLimit: 'auth',
    summary: 'Signs in with email and password, plus `totp_code` (authenticator or backup code) when enrolled',
    tags,
    body: z.object({
      email: z.string().max(254),
      password: z.string().min(1).max(256),
      totp_code: z.string().max(16).optional(),
    }),
    response: tokenResponse,
    noStore: true,
    errors: {
      401: 'Wrong email or password (`invalid_credentials`), or the account needs a second factor (`mfa_required`)',
      403:
        'The account is disabled, the second factor is wrong (`otp_invalid`), or REQUIRE_VERIFIED_EMAIL is on and the ' +
        'address is not verified yet (`email_not_verified`, with `details.verificationTicket` for resendEmailVerification)',
      422: 'The body is not valid',
      429: 'Too many failed sign-ins for this account; `Retry-After` says when to try again',
    },
    async handle({ body, graphql }) {
      const { login } = await graphql(OAuthLoginDocument, {
        input: { email: body.email, password: body.password, ...(body.totp_code ? { totpCode: body.totp_code } : {}) },
      });
      return { body: toTokenResponse(login) };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/auth/logout',
    auth: 'bearer',
    rateLimit: 'auth',
    summary: "Ends the caller's session: its access and refresh tokens stop working",
    tags,
    response: messageResponse,
    errors: { 401: 'No bearer token, or it is invalid, expired or of an ended session' },
    async handle({ graphql }) {
      await graphql(OAuthLogoutDocument);
      return { body: { message: 'Successfully logged out' } };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/auth/refresh',
    auth: 'none',
    rateLimit: 'auth',
    // The legacy response has no refresh_token: its clients keep the one from sign-in, so it is not
    // rotated here (GraphQL refreshToken and /oauth/token rotate theirs).
    summary:
      'Answers a new access token for the refresh token from sign-in, which stays valid until the session ends ' +
      '(logout, password change, revocation, idle or absolute lifetime): it is not rotated. The response also ' +
      'carries that same refresh_token',
    tags,
    body: z.object({ refresh_token: z.string().min(1).max(512) }),
    noStore: true,
    response: tokenResponse.describe(
      'A superset of the legacy response: refresh_token is added, and is the one presented (unchanged)',
    ),
    errors: {
      401:
        'The refresh token is unknown, was rotated away by GraphQL refreshToken or /oauth/token (reuse, which ' +
        'ends the session), or its session has ended',
      422: 'The body is not valid',
    },
    async handle({ body, graphql }) {
      const { renewAccessToken } = await graphql(OAuthRenewDocument, { refreshToken: body.refresh_token });
      return { body: toTokenResponse(renewAccessToken) };
    },
  }),
];
