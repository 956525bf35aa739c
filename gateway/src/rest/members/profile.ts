import { z } from 'zod';
import { AppError } from '../../../../lib/errors/index.js';
import {
  MemberExistsDocument,
  MemberMeDocument,
  MemberUpdateMeDocument,
  type UpdateMyProfileInput,
} from '../../generated/graphql.js';
import { nameChange, writeName } from '../person-name.js';
import { declareRoute, type RouteDeclaration, type RouteInput } from '../route.js';
import { memberMeData, memberRouteErrors, toMemberMeData } from './shapes.js';

const tags = ['member: profile'];

export async function currentMember(graphql: RouteInput<unknown, unknown, unknown>['graphql']) {
  const { me, myTotp } = await graphql(MemberMeDocument);
  if (!me) throw new AppError('NOT_FOUND', 'The member does not exist');
  return toMemberMeData(me, myTotp.enrolled);
}

/** Absent leaves a field as it is; an empty string or null clears it. */
const optionalText = z.string().max(4096).nullable().optional();
const updateMemberMe = z.object({
  display_name: optionalText,
  avatar: optionalText.describe('Absolute http(s) URL'),
  language: optionalText.describe('BCP 47 language tag, e.g. zh-TW'),
  currency: optionalText.describe('ISO 4217 code, e.g. TWD'),
  phone: optionalText.describe('E.164, e.g. +886912345678'),
});

/** The GraphQL inputs of the update, as the legacy body names them. */
const fieldNames = { displayName: 'display_name', avatarUrl: 'avatar' } as const;

function toProfileInput(body: z.output<typeof updateMemberMe>): UpdateMyProfileInput {
  const value = (raw: string | null | undefined) => (raw === undefined ? undefined : raw === '' ? null : raw);
  const input: UpdateMyProfileInput = {};
  const set = <K extends keyof UpdateMyProfileInput>(key: K, raw: string | null | undefined) => {
    const v = value(raw);
    if (v !== undefined) input[key] = v as UpdateMyProfileInput[K];
  };
  set('avatarUrl', body.avatar);
  set('language', body.language);
  set('currency', body.currency);
  set('phone', body.phone);
  return input;
}

/** seed 003 `GET`/`PATCH /api/v1/members/me`. */
export const profileRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/api/v1/members/me',
    auth: 'member',
    rateLimit: 'general',
    summary: 'The signed-in member: account, profile, business contacts and TOTP status',
    tags,
    response: memberMeData,
    errors: { ...memberRouteErrors, 404: '29301000: the member does not exist' },
    async handle({ graphql }) {
      return { body: await currentMember(graphql) };
    },
  }),
  declareRoute({
    method: 'patch',
    path: '/api/v1/members/me',
    auth: 'member',
    rateLimit: 'general',
    summary: "Updates the signed-in member's profile; answers the member as GET does",
    tags,
    body: updateMemberMe,
    legacyFieldNames: fieldNames,
    response: memberMeData,
    errors: {
      ...memberRouteErrors,
      400: '10101000: a field is malformed (nothing is changed)',
      404: '29301000: the member does not exist (nothing is changed)',
    },
    async handle({ body, graphql }) {
      // Before writing: a profile row for an account that is gone would be an orphan nobody removes.
      const { me } = await graphql(MemberExistsDocument);
      if (!me) throw new AppError('NOT_FOUND', 'The member does not exist');
      // An empty display_name clears the name, as it clears the other fields.
      const name = nameChange(body.display_name === '' ? null : body.display_name);
      // Member's fields first: a refused one leaves the name unwritten too (the name is checked).
      await graphql(MemberUpdateMeDocument, { input: toProfileInput(body) });
      await writeName(graphql, name);
      return { body: await currentMember(graphql) };
    },
  }),
];
