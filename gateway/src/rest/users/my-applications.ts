import { z } from 'zod';
import { OAuthMyApplicationsDocument, OAuthRevokeMyApplicationDocument } from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { messageResponse } from '../oauth-shapes.js';

const tags = ['oauth: users'];
const unauthorized = 'No bearer token, or it is invalid, expired or of an ended session';
const applicationTokenRefused = "The bearer token is an application's: only the user's own sign-in may do this";
const timestamp = z.iso.datetime();

/** seed 004 `/api/v1/users/me/applications*`: the applications the user authorized. */
export const myApplicationRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/api/v1/users/me/applications',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'Applications the signed-in user has authorized, most recently authorized first',
    tags,
    response: z.object({
      applications: z.array(
        z.object({
          id: z.string().describe('The application id (app_id)'),
          name: z.string(),
          logo_url: z.string().nullable(),
          authorized_at: timestamp,
          last_used: timestamp.nullable().describe('Its last code exchange or refresh for this user'),
          permissions: z.array(z.string()).describe('The scopes granted'),
        }),
      ),
    }),
    errors: { 401: unauthorized, 403: applicationTokenRefused },
    async handle({ graphql }) {
      const { myAuthorizedApplications } = await graphql(OAuthMyApplicationsDocument);
      return {
        body: {
          applications: myAuthorizedApplications.map((a) => ({
            id: a.id,
            name: a.name,
            logo_url: a.logoUrl,
            authorized_at: a.authorizedAt,
            last_used: a.lastUsedAt,
            permissions: a.scopes,
          })),
        },
      };
    },
  }),
  declareRoute({
    method: 'delete',
    path: '/api/v1/users/me/applications/:app_id',
    auth: 'bearer',
    rateLimit: 'general',
    summary:
      'Withdraws the authorization: every access and refresh token the application holds for the user stops working',
    tags,
    params: z.object({ app_id: z.uuid() }),
    response: messageResponse,
    errors: {
      401: unauthorized,
      403: applicationTokenRefused,
      404: 'The user has not authorized this application',
      422: 'app_id is not a UUID',
    },
    async handle({ params, graphql }) {
      await graphql(OAuthRevokeMyApplicationDocument, { applicationId: params.app_id });
      return { body: { message: 'Application authorization revoked' } };
    },
  }),
];
