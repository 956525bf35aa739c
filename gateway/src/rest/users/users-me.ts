import { z } from 'zod';
import { AppError } from '../../../../lib/errors/index.js';
import {
  OAuthChangePasswordDocument,
  OAuthMeDocument,
  OAuthMySharingDocument,
  OAuthUpdateMyProfileDocument,
  OAuthUpdateMySharingDocument,
  type UpdateMyProfileInput,
  type UpdateMySharingPreferencesInput,
} from '../../generated/graphql.js';
import { nameChange, writeName } from '../person-name.js';
import { declareRoute, type RouteDeclaration, type RouteInput } from '../route.js';
import {
  legacyGender,
  meResponse,
  messageResponse,
  permissionNames,
  permissionsResponse,
  toGraphQLGender,
  toMeResponse,
  toPermissionsResponse,
  type LegacyPermission,
} from '../oauth-shapes.js';

const tags = ['oauth: users'];
const unauthorized = 'No bearer token, or it is invalid, expired or of an ended session';

export async function currentUser(graphql: RouteInput<unknown, unknown, unknown>['graphql']) {
  const { me } = await graphql(OAuthMeDocument);
  // A valid token of an account that no longer exists.
  if (!me) throw new AppError('INVALID_TOKEN', 'The account no longer exists');
  return toMeResponse(me);
}

/** Absent leaves a field as it is; null clears it (as in GraphQL). Values are checked by GraphQL. */
const profileUpdate = z.object({
  full_name: z.string().nullable().optional(),
  phone_number: z.string().nullable().optional(),
  birth_date: z.string().nullable().optional().describe('YYYY-MM-DD'),
  gender: legacyGender.nullable().optional(),
  language: z.string().nullable().optional().describe('BCP 47 language tag'),
  currency: z.string().nullable().optional().describe('ISO 4217 currency code'),
});

function toProfileInput(body: z.output<typeof profileUpdate>): UpdateMyProfileInput {
  const input: UpdateMyProfileInput = {};
  if (body.phone_number !== undefined) input.phone = body.phone_number;
  if (body.birth_date !== undefined) input.birthDate = body.birth_date;
  if (body.gender !== undefined) input.gender = body.gender === null ? null : toGraphQLGender(body.gender);
  if (body.language !== undefined) input.language = body.language;
  if (body.currency !== undefined) input.currency = body.currency;
  return input;
}

/** The GraphQL inputs of the profile and password changes, as the legacy bodies name them. */
const profileFieldNames = {
  displayName: 'full_name',
  phone: 'phone_number',
  birthDate: 'birth_date',
} as const;
const passwordFieldNames = { currentPassword: 'current_password', newPassword: 'new_password' } as const;

/** Any subset of the six; an unknown key is refused rather than ignored (a typo must not look saved). */
const permissionsUpdate = z.strictObject({
  single_sign_on: z.boolean().optional(),
  share_name: z.boolean().optional(),
  share_gender: z.boolean().optional(),
  share_birth_date: z.boolean().optional(),
  share_email: z.boolean().optional(),
  share_phone: z.boolean().optional(),
});

function toSharingInput(body: z.output<typeof permissionsUpdate>): UpdateMySharingPreferencesInput {
  const input: UpdateMySharingPreferencesInput = {};
  for (const [legacy, name] of Object.entries(permissionNames) as [
    LegacyPermission,
    keyof UpdateMySharingPreferencesInput,
  ][]) {
    const value = body[legacy];
    if (value !== undefined) input[name] = value;
  }
  return input;
}

/** seed 004 `/api/v1/users/me*`: the signed-in user's own account. */
export const usersMeRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/api/v1/users/me',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'The signed-in user',
    tags,
    response: meResponse,
    errors: { 401: unauthorized },
    async handle({ graphql }) {
      return { body: await currentUser(graphql) };
    },
  }),
  declareRoute({
    method: 'put',
    path: '/api/v1/users/me',
    auth: 'bearer',
    rateLimit: 'general',
    summary: "Updates the signed-in user's profile and returns the user as GET does",
    tags,
    body: profileUpdate,
    legacyFieldNames: profileFieldNames,
    response: meResponse,
    errors: {
      401: unauthorized,
      422: 'A field is malformed (not E.164, not a calendar date, an unknown gender, ...)',
    },
    async handle({ body, graphql }) {
      const name = nameChange(body.full_name);
      // Member's fields first: a refused one leaves the name unwritten too (the name is checked).
      await graphql(OAuthUpdateMyProfileDocument, { input: toProfileInput(body) });
      await writeName(graphql, name);
      return { body: await currentUser(graphql) };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/api/v1/users/me/permissions',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'What the signed-in member shares with applications (defaults until changed)',
    tags,
    response: permissionsResponse,
    errors: { 401: unauthorized },
    async handle({ graphql }) {
      const { me } = await graphql(OAuthMySharingDocument);
      if (!me) throw new AppError('INVALID_TOKEN', 'The account no longer exists');
      return { body: toPermissionsResponse(me.sharingPreferences) };
    },
  }),
  declareRoute({
    method: 'put',
    path: '/api/v1/users/me/permissions',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'Changes the preferences present in the body, keeps the others, and answers all six as GET does',
    tags,
    body: permissionsUpdate,
    response: permissionsResponse,
    errors: { 401: unauthorized, 422: 'A value is not a boolean, or a key is not one of the six' },
    async handle({ body, graphql }) {
      const { updateMySharingPreferences } = await graphql(OAuthUpdateMySharingDocument, {
        input: toSharingInput(body),
      });
      return { body: toPermissionsResponse(updateMySharingPreferences) };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/users/me/password',
    auth: 'bearer',
    rateLimit: 'auth',
    summary: "Changes the signed-in user's password; every other session of the user ends",
    tags,
    body: z.object({ current_password: z.string().min(1).max(256), new_password: z.string().min(1).max(256) }),
    legacyFieldNames: passwordFieldNames,
    response: messageResponse,
    errors: {
      401: unauthorized,
      422: 'The current password is wrong, or the new one is too weak',
      429: 'Too many wrong passwords for this account; `Retry-After` says when to try again',
    },
    async handle({ body, graphql }) {
      await graphql(OAuthChangePasswordDocument, {
        currentPassword: body.current_password,
        newPassword: body.new_password,
      });
      return { body: { message: 'Password changed' } };
    },
  }),
];
