import { z } from 'zod';
import {
  InternalEnsureUserDocument,
  InternalMembersDocument,
  InternalUpsertUserBySubDocument,
  type ProvisionUserInput,
} from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { clientRefusals, page, pagingQuery, toLegacyAction } from './shapes.js';

const tags = ['internal: users'];

/**
 * What an identity provider says about one of its subjects. Like the legacy service, an absent or
 * null optional field leaves the stored value as it is.
 */
const provisionBody = z.object({
  user_sub: z.string().min(1).max(255).describe("The subject at the caller's identity provider"),
  email: z.string().max(254),
  username: z.string().nullish(),
  display_name: z.string().nullish(),
  is_active: z.boolean().nullish(),
});
type ProvisionBody = z.output<typeof provisionBody>;

/** The provisioning input, as the legacy body names it: validation failures answer in the FastAPI form. */
const graphQLFieldNames = { userSub: 'user_sub', displayName: 'display_name', isActive: 'is_active' } as const;

function toProvisionInput(body: ProvisionBody): ProvisionUserInput {
  return {
    userSub: body.user_sub,
    email: body.email,
    ...(body.username != null ? { username: body.username } : {}),
    ...(body.display_name != null ? { displayName: body.display_name } : {}),
    ...(body.is_active != null ? { isActive: body.is_active } : {}),
  };
}

const provisionErrors = {
  ...clientRefusals,
  409: 'The email or username belongs to the account of another subject',
  422: 'user_sub or email missing, or a field malformed (email, username characters, lengths)',
} as const;

/** One handler for the ensure path and its compatibility alias (seed 000). */
const ensure = (path: string, summary: string) =>
  declareRoute({
    method: 'post',
    path,
    auth: 'api-client',
    rateLimit: 'internal',
    summary,
    tags,
    body: provisionBody,
    legacyFieldNames: graphQLFieldNames,
    response: z.object({
      idp_user_id: z.string().describe("The account's id here"),
      action: z.enum(['created', 'updated']),
    }),
    errors: provisionErrors,
    async handle({ body, graphql }) {
      const { upsertUserBySub: result } = await graphql(InternalEnsureUserDocument, {
        input: toProvisionInput(body),
      });
      return { body: { idp_user_id: result.idpUserId, action: toLegacyAction(result.action) } };
    },
  });

/** seed 000 member directory (`users:read`) and provisioning by subject (`users:write`). */
export const userRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/internal/members',
    auth: 'api-client',
    rateLimit: 'internal',
    summary: 'Accounts, oldest first, optionally matching a keyword',
    tags,
    query: z.object({
      keyword: z.string().max(200).optional().describe('Part of the username, email, display name or subject'),
      ...pagingQuery(500),
    }),
    response: page(
      z.object({
        id: z.string(),
        user_sub: z.string(),
        username: z.string().nullable(),
        email: z.string(),
        display_name: z.string().nullable(),
        is_active: z.boolean(),
      }),
    ),
    errors: {
      ...clientRefusals,
      422: 'limit is not an integer from 1 to 1000, or offset is not an integer of 0 or more',
    },
    async handle({ query, graphql }) {
      const { members } = await graphql(InternalMembersDocument, {
        keyword: query.keyword ?? null,
        limit: query.limit,
        offset: query.offset,
      });
      return {
        body: {
          items: members.items.map((u) => ({
            id: u.id,
            user_sub: u.sub,
            username: u.username,
            email: u.email,
            display_name: u.displayName,
            is_active: u.isActive,
          })),
          total: members.total,
          limit: members.limit,
          offset: members.offset,
        },
      };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/internal/users/upsert-by-sub',
    auth: 'api-client',
    rateLimit: 'internal',
    summary: 'Creates or updates the account of an identity-provider subject (scopes users:write and users:read)',
    tags,
    body: provisionBody,
    legacyFieldNames: graphQLFieldNames,
    response: z.object({
      id: z.string(),
      user_sub: z.string(),
      idp_user_id: z.string(),
      username: z.string().nullable(),
      email: z.string(),
      display_name: z.string().nullable(),
      is_active: z.boolean(),
    }),
    errors: {
      ...provisionErrors,
      403: `${clientRefusals[403]}; the account is read back, so users:read is needed as well as users:write`,
    },
    async handle({ body, graphql }) {
      const { upsertUserBySub } = await graphql(InternalUpsertUserBySubDocument, {
        input: toProvisionInput(body),
      });
      const { user, idpUserId } = upsertUserBySub;
      return {
        body: {
          id: user.id,
          user_sub: user.sub,
          idp_user_id: idpUserId,
          username: user.username,
          email: user.email,
          display_name: user.displayName,
          is_active: user.isActive,
        },
      };
    },
  }),
  ensure('/internal/idp/users/ensure', "Makes sure the identity provider's subject has an account here"),
  ensure('/internal/authentik/users/ensure', 'Compatibility path of /internal/idp/users/ensure'),
];
