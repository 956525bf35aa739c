import type { Request, Response } from 'express';
import { anonymous } from '../../../lib/auth/principal.js';
import { AppError } from '../../../lib/errors/index.js';
import { END_SESSION_ENDPOINT_PATH } from '../discovery/metadata.js';
import { PageEndApplicationSessionDocument, PageSignOutDocument } from '../generated/graphql.js';
import { refuse, run, session, SESSION_COOKIE, type Pages } from '../pages/authorize-flow.js';
import { clearPageCookie } from '../pages/cookies.js';
import { CSRF_FIELD, csrfAccepted, csrfToken } from '../pages/csrf.js';
import { html } from '../pages/html.js';
import { pageLanguage } from '../pages/locale.js';
import { sendPage } from '../pages/layout.js';
import { checkTheme } from '../pages/theme.js';
import type { OpenApiOperation, RawRouteContext, RawRouteDeclaration } from '../rest/raw-route.js';
import { formHandlers, pageHandlers } from '../pages/page-handlers.js';

/** RP-Initiated Logout 1.0 §2's parameters, in the query (GET) or the form (POST). */
const LOGOUT_FIELDS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const;
type LogoutParams = Partial<Record<(typeof LOGOUT_FIELDS)[number], string>>;

function logoutParams(source: Record<string, unknown>): LogoutParams {
  const params: LogoutParams = {};
  for (const name of LOGOUT_FIELDS) {
    const value = source[name];
    if (typeof value === 'string' && value !== '' && value.length <= 8192) params[name] = value;
  }
  return params;
}

const plainTheme = checkTheme(undefined);

function originOf(uri: string | undefined): string[] {
  try {
    return uri ? [new URL(uri).origin] : [];
  } catch {
    return [];
  }
}

/** Without an ID token to say who asks, the person confirms (a cross-site link must not sign them out). */
function confirmPage(req: Request, res: Response, pages: Pages, params: LogoutParams): void {
  const csrf = csrfToken(req, res, pages.cookies);
  const { locale, t } = pageLanguage(req, res, params.ui_locales);
  sendPage(res, {
    title: t('logout.confirm.title'),
    locale,
    theme: plainTheme,
    formTargets: originOf(params.post_logout_redirect_uri),
    body: html`<h1>${t('logout.confirm.title')}</h1>
      <p class="lead">${t('logout.confirm.message')}</p>
      <form method="post" action="${END_SESSION_ENDPOINT_PATH}">
        <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
        ${Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
        <button type="submit" name="action" value="confirm_logout">${t('logout.confirm.submit')}</button>
      </form>`,
  });
}

function signedOutPage(req: Request, res: Response, params: LogoutParams): void {
  const { locale, t } = pageLanguage(req, res, params.ui_locales);
  sendPage(res, {
    title: t('logout.done.title'),
    locale,
    theme: plainTheme,
    body: html`<h1>${t('logout.done.title')}</h1>
      <p class="lead">${t('logout.done.message')}</p>`,
  });
}

/**
 * The end-session work: identity checks the request and ends the application's grant; the hosted
 * session (the pages' cookie) ends when the ID token names its person, or when the person confirmed.
 */
async function endSession(pages: Pages, req: Request, res: Response, params: LogoutParams, confirmed: boolean) {
  const hosted = await session(pages, req);
  if (!params.id_token_hint && hosted && !confirmed) {
    confirmPage(req, res, pages, params);
    return;
  }
  const step = { pages, req, res, params: {}, language: pageLanguage(req, res, params.ui_locales) };
  let outcome;
  try {
    ({ endApplicationSession: outcome } = await run(step, { principal: anonymous }, PageEndApplicationSessionDocument, {
      input: {
        idTokenHint: params.id_token_hint ?? null,
        clientId: params.client_id ?? null,
        postLogoutRedirectUri: params.post_logout_redirect_uri ?? null,
        state: params.state ?? null,
      },
    }));
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    // Never redirected: the URI is not known to be the application's. What identity said is for
    // the application's developers: logged, not shown to the person.
    pages.logger.info({ reason: error.message }, 'logout request refused');
    refuse(step, 'error.invalidLogout.title', 'error.invalidLogout.message');
    return;
  }
  const hostedUser = hosted?.principal.kind === 'user' ? hosted.principal.userId : undefined;
  if (hosted && (confirmed || (outcome.subject !== null && outcome.subject === hostedUser))) {
    // Ends the hosted session itself (its refresh token and every access token of it), not just the cookie.
    await run(step, hosted, PageSignOutDocument);
    clearPageCookie(res, SESSION_COOKIE, pages.cookies);
  }
  if (outcome.redirectTo) res.redirect(303, outcome.redirectTo);
  else signedOutPage(req, res, params);
}

const logoutOperation = (method: 'get' | 'post'): OpenApiOperation => ({
  operationId: `${method}OauthLogout`,
  summary: 'OpenID Connect RP-initiated logout (end_session_endpoint)',
  tags: ['oauth: openid connect'],
  security: [{}],
  ...(method === 'get'
    ? { parameters: LOGOUT_FIELDS.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })) }
    : {
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: Object.fromEntries(
                  [...LOGOUT_FIELDS, 'action', CSRF_FIELD].map((name) => [name, { type: 'string' }]),
                ),
              },
            },
          },
        },
      }),
  responses: {
    '200': { description: 'Signed out, or (without id_token_hint, signed in) a page asking to confirm' },
    '303': { description: 'To the registered post_logout_redirect_uri, with state' },
    '400': {
      description: 'A hint not ours or of another client, an unregistered post_logout_redirect_uri: never redirected',
    },
    '403': { description: 'The confirmation form could not be verified (CSRF)' },
    '429': { description: 'Too many requests (see Retry-After)' },
  },
});

/**
 * `GET` and `POST /oauth/logout` (OpenID Connect RP-Initiated Logout 1.0), the `end_session_endpoint`:
 * ends the application's grant named by `id_token_hint` (its `sid`) and the hosted pages' session of
 * the same person, then returns to a registered `post_logout_redirect_uri` with `state`.
 */
export const endSessionRoutes: readonly RawRouteDeclaration<RawRouteContext>[] = [
  {
    method: 'get',
    path: END_SESSION_ENDPOINT_PATH,
    rateLimit: 'general',
    openapi: logoutOperation('get'),
    handlers: pageHandlers(async (pages, req, res) => {
      await endSession(pages, req, res, logoutParams(req.query), false);
    }),
  },
  {
    method: 'post',
    path: END_SESSION_ENDPOINT_PATH,
    rateLimit: 'general',
    openapi: logoutOperation('post'),
    handlers: formHandlers(async (pages, req, res, body) => {
      const confirmed = body['action'] === 'confirm_logout';
      if (confirmed && !csrfAccepted(req, pages.publicOrigin)) {
        refuse(
          { res, language: pageLanguage(req, res, logoutParams(body).ui_locales) },
          'error.formExpired.title',
          'error.logoutFormExpired.message',
          403,
        );
        return;
      }
      // A relying party may POST the request itself (RP-Initiated Logout §2): the hint says who asks.
      await endSession(pages, req, res, logoutParams(body), confirmed);
    }),
  },
];
