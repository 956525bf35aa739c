import { z } from 'zod';
import type {
  Gender,
  OAuthAdminUserFieldsFragment,
  OAuthMeFieldsFragment,
  OAuthSharingFieldsFragment,
  Role,
} from '../generated/graphql.js';

/** seed 004 spells roles and genders in lower case; GraphQL enums are upper case. */
const rolesToGraphQL = {
  user: 'USER',
  group_admin: 'GROUP_ADMIN',
  system_admin: 'SYSTEM_ADMIN',
} as const satisfies Record<string, Role>;
export type LegacyRole = keyof typeof rolesToGraphQL;
const rolesFromGraphQL: Record<Role, LegacyRole> = {
  USER: 'user',
  GROUP_ADMIN: 'group_admin',
  SYSTEM_ADMIN: 'system_admin',
};

export const legacyRole = z.enum(['user', 'group_admin', 'system_admin']);
export const toGraphQLRole = (role: LegacyRole): Role => rolesToGraphQL[role];
export const toLegacyRole = (role: Role): LegacyRole => rolesFromGraphQL[role];

const gendersToGraphQL = {
  female: 'FEMALE',
  male: 'MALE',
  other: 'OTHER',
  undisclosed: 'UNDISCLOSED',
} as const satisfies Record<string, Gender>;
export type LegacyGender = keyof typeof gendersToGraphQL;
export const legacyGender = z.enum(['female', 'male', 'other', 'undisclosed']);
export const toGraphQLGender = (gender: LegacyGender): Gender => gendersToGraphQL[gender];

/** `POST /auth/login` and `/auth/refresh`. */
export const tokenResponse = z.object({
  access_token: z.string().describe('ES256 JWT for `Authorization: Bearer …`'),
  refresh_token: z
    .string()
    .describe('Keep it: POST /auth/refresh accepts it again and again until the session ends (it is not rotated)'),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().describe('Seconds until the access token expires'),
});

export function toTokenResponse(tokens: { accessToken: string; refreshToken: string; expiresIn: number }) {
  return {
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    token_type: 'bearer' as const,
    expires_in: tokens.expiresIn,
  };
}

const timestamp = z.iso.datetime();

/** `GET /users/me`: the account with its member profile's name and picture. */
export const meResponse = z.object({
  id: z.string(),
  email: z.string(),
  // Not in seed 004: a superset field, so its clients read the rest as before.
  email_verified: z.boolean().describe('Whether the member proved they receive mail at email'),
  username: z.string().nullable(),
  full_name: z.string().nullable(),
  role: legacyRole,
  profile_picture: z.string().nullable(),
  created_at: timestamp,
  last_login: timestamp.nullable(),
});

export function toMeResponse(me: OAuthMeFieldsFragment): z.input<typeof meResponse> {
  return {
    id: me.id,
    email: me.email,
    email_verified: me.emailVerified,
    username: me.username,
    // One name per person: identity's, whichever path wrote it.
    full_name: me.displayName,
    role: toLegacyRole(me.role),
    profile_picture: me.memberProfile?.avatarUrl ?? null,
    created_at: me.createdAt,
    last_login: me.lastLoginAt,
  };
}

/** One user as an administrator sees it (`/admin/users*`). */
export const adminUserResponse = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string().nullable(),
  full_name: z.string().nullable(),
  role: legacyRole,
  is_active: z.boolean(),
  tenant_id: z.string(),
  created_at: timestamp,
  last_login: timestamp.nullable(),
});

export function toAdminUserResponse(user: OAuthAdminUserFieldsFragment): z.input<typeof adminUserResponse> {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    full_name: user.displayName,
    role: toLegacyRole(user.role),
    is_active: user.isActive,
    tenant_id: user.tenantId,
    created_at: user.createdAt,
    last_login: user.lastLoginAt,
  };
}

export const messageResponse = z.object({ message: z.string() });

/** seed 004 `/users/me/permissions` spells GraphQL's SharingPreferences in snake_case. */
export const permissionNames = {
  single_sign_on: 'singleSignOn',
  share_name: 'shareName',
  share_gender: 'shareGender',
  share_birth_date: 'shareBirthDate',
  share_email: 'shareEmail',
  share_phone: 'sharePhone',
} as const satisfies Record<string, keyof OAuthSharingFieldsFragment>;
export type LegacyPermission = keyof typeof permissionNames;

/** `GET /users/me/permissions`: all six, always. */
export const permissionsResponse = z.object({
  single_sign_on: z.boolean().describe('Whether the member may sign in to applications with this account'),
  share_name: z.boolean(),
  share_gender: z.boolean(),
  share_birth_date: z.boolean(),
  share_email: z.boolean(),
  share_phone: z.boolean(),
});

export function toPermissionsResponse(sharing: OAuthSharingFieldsFragment): z.input<typeof permissionsResponse> {
  return {
    single_sign_on: sharing.singleSignOn,
    share_name: sharing.shareName,
    share_gender: sharing.shareGender,
    share_birth_date: sharing.shareBirthDate,
    share_email: sharing.shareEmail,
    share_phone: sharing.sharePhone,
  };
}
