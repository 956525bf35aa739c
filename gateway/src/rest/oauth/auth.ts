import { z } from 'zod';
import { OAuthLoginDocument, OAuthLogoutDocument, OAuthRefreshDocument } from '../../generated/graphql.js';
import { defineRoute, type RouteDefinition } from '../route.js';
import { messageResponse, tokenResponse, toTokenResponse } from './shapes.js';

const tags = ['oauth: auth'];

/** seed 004 `/api/v1/auth/*`: password sign-in, sign-out and refresh. */
export const authRoutes: readonly RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/login',
    family: 'oauth',
    auth: 'none',
    summary: 'Signs in with email and password, plus `totp_code` (authenticator or backup code) when enrolled',
    tags,
    body: z.object({
      email: z.string().max(254),
      password: z.string().min(1).max(256),
      totp_code: z.string().max(16).optional(),
    }),
    response: tokenResponse,
    errors: {
      401: 'Wrong email or password (`invalid_credentials`), or the account needs a second factor (`mfa_required`)',
      403: 'The account is disabled, or the second factor is wrong (`otp_invalid`)',
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
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/logout',
    family: 'oauth',
    auth: 'bearer',
    summary: "Ends the caller's session: its access and refresh tokens stop working",
    tags,
    response: messageResponse,
    errors: { 401: 'No bearer token, or it is invalid, expired or of an ended session' },
    async handle({ graphql }) {
      await graphql(OAuthLogoutDocument);
      return { body: { message: 'Successfully logged out' } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/refresh',
    family: 'oauth',
    auth: 'none',
    // The legacy document shows no refresh_token here, but tokens rotate: the new one must be kept.
    summary:
      'Trades a refresh token for new tokens. Unlike the legacy document, the response also carries the new ' +
      'refresh_token: refresh tokens are single use and rotate on every refresh',
    tags,
    body: z.object({ refresh_token: z.string().min(1).max(512) }),
    response: tokenResponse.describe(
      'A superset of the legacy response: refresh_token is added, since the one presented no longer works',
    ),
    errors: {
      401: 'The refresh token is unknown, already used, expired, or its session has ended',
      422: 'The body is not valid',
    },
    async handle({ body, graphql }) {
      const { refreshToken } = await graphql(OAuthRefreshDocument, { refreshToken: body.refresh_token });
      return { body: toTokenResponse(refreshToken) };
    },
  }),
];
