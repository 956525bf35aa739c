import { z } from 'zod';
import { isAdmin } from '../../../../lib/auth/policies.js';
import { AppError } from '../../../../lib/errors/index.js';
import { ID_TOKEN_SIGNING_ALGORITHMS } from '../../../../lib/oidc/id-token-algorithms.js';
import {
  OAuthApplicationDocument,
  OAuthApplicationsDocument,
  OAuthCreateApplicationDocument,
  OAuthDeleteApplicationDocument,
  OAuthPublicApplicationDocument,
  OAuthRegenerateApplicationSecretDocument,
  OAuthUpdateApplicationDocument,
  type ApplicationThemeInput,
  type OAuthApplicationCredentialsFieldsFragment,
  type OAuthApplicationFieldsFragment,
  type OAuthPublicApplicationQuery,
  type UpdateApplicationInput,
} from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { messageResponse } from '../oauth-shapes.js';

const tags = ['oauth: applications'];
const unauthorized = 'No bearer token, or it is invalid, expired or of an ended session';
const notAdmin = 'The caller is not an administrator';
const notFound = 'No such application, or not of the group admin’s tenant';
const appId = z.object({ app_id: z.uuid() });
const timestamp = z.iso.datetime();

const theme = z.object({
  primary_color: z.string().nullable(),
  secondary_color: z.string().nullable(),
  logo_url: z.string().nullable(),
  background_image_url: z.string().nullable(),
});

/** What any signed-in member sees of an application: never its secret, redirect URIs or owner. */
const publicApplicationResponse = z.object({
  id: z.string(),
  client_id: z.string(),
  app_name: z.string(),
  description: z.string().nullable(),
  theme,
  created_at: timestamp,
});

/** One application as an administrator sees it; the secret never appears, only at creation. */
const applicationResponse = z.object({
  id: z.string(),
  client_id: z.string(),
  app_name: z.string(),
  description: z.string().nullable(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z
    .array(z.string())
    .describe('OpenID Connect RP-initiated logout (a superset of seed 004): where logout may return'),
  id_token_signed_response_alg: z
    .enum(ID_TOKEN_SIGNING_ALGORITHMS)
    .describe('OpenID Connect Registration (a superset of seed 004): the JWS alg of its ID tokens'),
  allowed_origins: z.array(z.string()),
  theme,
  client_type: z.enum(['confidential', 'public']),
  owner_id: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
});

/** seed 004's creation response; regenerate-secret answers the same. */
const credentialsResponse = z.object({
  id: z.string(),
  client_id: z.string(),
  client_secret: z.string().nullable().describe('Shown once; store it now. null for a public client'),
  app_name: z.string(),
  created_at: timestamp,
});

const themeBody = z.strictObject({
  primary_color: z.string().max(32).nullable().optional().describe('#rrggbb'),
  secondary_color: z.string().max(32).nullable().optional().describe('#rrggbb'),
  logo_url: z.string().max(2000).nullable().optional().describe('https URL'),
  background_image_url: z.string().max(2000).nullable().optional().describe('https URL'),
});

const changesBody = {
  description: z.string().max(2000).nullable().optional(),
  post_logout_redirect_uris: z
    .array(z.string().max(2000))
    .max(50)
    .optional()
    .describe('OpenID Connect RP-initiated logout (a superset of seed 004): exact URIs logout may return to'),
  id_token_signed_response_alg: z
    .enum(ID_TOKEN_SIGNING_ALGORITHMS)
    .optional()
    .describe('OpenID Connect Registration (a superset of seed 004): ES256 (the default) or RS256'),
  allowed_origins: z
    .array(z.string().max(500))
    .max(50)
    .optional()
    .describe('Bare origins like https://app.example.com'),
  theme: themeBody.optional(),
};

/** Unknown keys are refused: a misspelt field must not look saved. */
const createBody = z.strictObject({
  app_name: z.string().max(200),
  redirect_uris: z
    .array(z.string().max(2000))
    .max(50)
    .describe('https (or loopback http) URIs; authorization requests must name one exactly'),
  client_type: z
    .enum(['confidential', 'public'])
    .optional()
    .describe('confidential (default) gets a secret; public has none and must use PKCE'),
  ...changesBody,
});

const updateBody = z.strictObject({
  app_name: z.string().max(200).optional(),
  redirect_uris: z.array(z.string().max(2000)).max(50).optional(),
  ...changesBody,
});

/** The GraphQL input fields of create and update, as the legacy body names them. */
const legacyFieldNames = {
  name: 'app_name',
  redirectUris: 'redirect_uris',
  postLogoutRedirectUris: 'post_logout_redirect_uris',
  idTokenSigningAlgorithm: 'id_token_signed_response_alg',
  allowedOrigins: 'allowed_origins',
  'theme.primaryColor': 'theme.primary_color',
  'theme.secondaryColor': 'theme.secondary_color',
  'theme.logoUrl': 'theme.logo_url',
  'theme.backgroundImageUrl': 'theme.background_image_url',
};

function toThemeInput(body: z.output<typeof themeBody> | undefined): ApplicationThemeInput | undefined {
  if (!body) return undefined;
  const input: ApplicationThemeInput = {};
  if (body.primary_color !== undefined) input.primaryColor = body.primary_color;
  if (body.secondary_color !== undefined) input.secondaryColor = body.secondary_color;
  if (body.logo_url !== undefined) input.logoUrl = body.logo_url;
  if (body.background_image_url !== undefined) input.backgroundImageUrl = body.background_image_url;
  return input;
}

function toUpdateInput(body: z.output<typeof updateBody>): UpdateApplicationInput {
  const input: UpdateApplicationInput = {};
  if (body.app_name !== undefined) input.name = body.app_name;
  if (body.description !== undefined) input.description = body.description;
  if (body.redirect_uris !== undefined) input.redirectUris = body.redirect_uris;
  if (body.allowed_origins !== undefined) input.allowedOrigins = body.allowed_origins;
  if (body.post_logout_redirect_uris !== undefined) input.postLogoutRedirectUris = body.post_logout_redirect_uris;
  if (body.id_token_signed_response_alg !== undefined) {
    input.idTokenSigningAlgorithm = body.id_token_signed_response_alg;
  }
  const themeInput = toThemeInput(body.theme);
  if (themeInput) input.theme = themeInput;
  return input;
}

function toApplicationResponse(application: OAuthApplicationFieldsFragment): z.input<typeof applicationResponse> {
  return {
    id: application.id,
    client_id: application.clientId,
    app_name: application.name,
    description: application.description,
    redirect_uris: application.redirectUris,
    post_logout_redirect_uris: application.postLogoutRedirectUris,
    id_token_signed_response_alg: application.idTokenSigningAlgorithm,
    allowed_origins: application.allowedOrigins,
    theme: {
      primary_color: application.theme.primaryColor,
      secondary_color: application.theme.secondaryColor,
      logo_url: application.theme.logoUrl,
      background_image_url: application.theme.backgroundImageUrl,
    },
    client_type: application.clientType === 'PUBLIC' ? 'public' : 'confidential',
    owner_id: application.ownerId,
    created_at: application.createdAt,
    updated_at: application.updatedAt,
  };
}

function toPublicApplicationResponse(
  application: OAuthPublicApplicationQuery['publicApplication'],
): z.input<typeof publicApplicationResponse> {
  return {
    id: application.id,
    client_id: application.clientId,
    app_name: application.name,
    description: application.description,
    theme: {
      primary_color: application.theme.primaryColor,
      secondary_color: application.theme.secondaryColor,
      logo_url: application.theme.logoUrl,
      background_image_url: application.theme.backgroundImageUrl,
    },
    created_at: application.createdAt,
  };
}

function toCredentialsResponse(issued: OAuthApplicationCredentialsFieldsFragment): z.input<typeof credentialsResponse> {
  return {
    id: issued.application.id,
    client_id: issued.clientId,
    client_secret: issued.clientSecret,
    app_name: issued.application.name,
    created_at: issued.application.createdAt,
  };
}

/**
 * seed 004 `/api/v1/applications*` ("Admin only", all but `GET /{app_id}`): system admins manage every
 * application, a group admin those of its own tenant (identity decides).
 */
export const applicationRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/api/v1/applications',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'Applications the caller administers, oldest first',
    tags,
    response: z.object({ applications: z.array(applicationResponse) }),
    errors: { 401: unauthorized, 403: notAdmin },
    async handle({ graphql }) {
      const { applications } = await graphql(OAuthApplicationsDocument);
      return { body: { applications: applications.map(toApplicationResponse) } };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/applications',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'Registers an application; the client secret is in this answer only (stored hashed)',
    tags,
    body: createBody,
    legacyFieldNames,
    response: credentialsResponse,
    noStore: true,
    successStatus: 201,
    errors: {
      401: unauthorized,
      403: notAdmin,
      422: 'A field is malformed: an insecure or fragment-carrying redirect URI, a colour that is not #rrggbb, ...',
    },
    async handle({ body, graphql }) {
      const { createApplication } = await graphql(OAuthCreateApplicationDocument, {
        input: {
          name: body.app_name,
          redirectUris: body.redirect_uris,
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.allowed_origins ? { allowedOrigins: body.allowed_origins } : {}),
          ...(body.post_logout_redirect_uris ? { postLogoutRedirectUris: body.post_logout_redirect_uris } : {}),
          ...(body.id_token_signed_response_alg ? { idTokenSigningAlgorithm: body.id_token_signed_response_alg } : {}),
          ...(body.theme ? { theme: toThemeInput(body.theme) ?? null } : {}),
          ...(body.client_type ? { clientType: body.client_type === 'public' ? 'PUBLIC' : 'CONFIDENTIAL' } : {}),
        },
      });
      return { body: toCredentialsResponse(createApplication) };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/api/v1/applications/:app_id',
    auth: 'bearer',
    rateLimit: 'general',
    summary:
      'One application: its whole registration for those who administer it, its public face (id, client_id, ' +
      'app_name, description, theme, created_at) for every other signed-in member',
    tags,
    params: appId,
    // Administrators' view first: the union keeps every field of whichever shape the body has.
    response: z.union([applicationResponse, publicApplicationResponse]),
    errors: {
      401: unauthorized,
      403: "An application's token without the read scope",
      404: 'No such application',
      422: 'app_id is not a UUID',
    },
    // seed 004 marks this path for no role (unlike its neighbours, "Admin only").
    async handle({ params, principal, graphql }) {
      if (isAdmin(principal)) {
        try {
          const { application } = await graphql(OAuthApplicationDocument, { id: params.app_id });
          return { body: toApplicationResponse(application) };
        } catch (error) {
          // Another tenant's application: a group admin sees its public face, like any member.
          if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
        }
      }
      const { publicApplication } = await graphql(OAuthPublicApplicationDocument, { id: params.app_id });
      return { body: toPublicApplicationResponse(publicApplication) };
    },
  }),
  declareRoute({
    method: 'put',
    path: '/api/v1/applications/:app_id',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'Changes the fields present in the body (theme: the colours and images named) and keeps the others',
    tags,
    params: appId,
    body: updateBody,
    legacyFieldNames,
    response: applicationResponse,
    errors: { 401: unauthorized, 403: notAdmin, 404: notFound, 422: 'A field is malformed, or app_id is not a UUID' },
    async handle({ params, body, graphql }) {
      const { updateApplication } = await graphql(OAuthUpdateApplicationDocument, {
        id: params.app_id,
        input: toUpdateInput(body),
      });
      return { body: toApplicationResponse(updateApplication) };
    },
  }),
  declareRoute({
    method: 'delete',
    path: '/api/v1/applications/:app_id',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'Deletes an application: its codes, access and refresh tokens stop working at once',
    tags,
    params: appId,
    response: messageResponse,
    errors: { 401: unauthorized, 403: notAdmin, 404: notFound, 422: 'app_id is not a UUID' },
    async handle({ params, graphql }) {
      await graphql(OAuthDeleteApplicationDocument, { id: params.app_id });
      return { body: { message: 'Application deleted' } };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/applications/:app_id/regenerate-secret',
    auth: 'bearer',
    rateLimit: 'general',
    summary: 'Issues a new client secret (in this answer only); the old one is refused from now on',
    tags,
    params: appId,
    response: credentialsResponse,
    noStore: true,
    errors: {
      401: unauthorized,
      403: notAdmin,
      404: notFound,
      409: 'A public client has no secret',
      422: 'app_id is not a UUID',
    },
    async handle({ params, graphql }) {
      const { regenerateApplicationSecret } = await graphql(OAuthRegenerateApplicationSecretDocument, {
        id: params.app_id,
      });
      return { body: toCredentialsResponse(regenerateApplicationSecret) };
    },
  }),
];
