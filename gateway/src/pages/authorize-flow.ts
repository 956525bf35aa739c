import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Request, Response } from 'express';
import { AppError } from '../../../lib/errors/index.js';
import type { Logger } from '../../../lib/logging/logger.js';
import type { Authenticated } from '../auth/authenticated.js';
import { dataAs, type ExecuteAs } from '../execution/in-process.js';
import { PageAuthorizationPromptDocument, type PageAuthorizationPromptQuery } from '../generated/graphql.js';
import type { RawRouteContext } from '../rest/raw-route.js';
import { readCookies, type CookieOptions } from './cookies.js';
import type { MessageKey } from '../../../lib/i18n/catalog.js';
import { sendPage } from './layout.js';
import { pageLanguage, type PageLanguage } from './locale.js';
import { checkTheme } from './theme.js';
import { errorPage, type FlowParams } from './views.js';

/**
 * What every page of the authorization code flow shares: the request it carries from form to form,
 * the session cookie, the application check that comes before any page, and refusals. Nothing is
 * decided here: identity's operations hold every rule; the pages only carry the request through forms.
 */

export const SESSION_COOKIE = 'mg_session';

/** The pages' services, made once from what the gateway gives raw routes. */
export interface Pages {
  readonly logger: Logger;
  readonly cookies: CookieOptions;
  readonly publicOrigin: string;
  /** PUBLIC_URL: the `iss` of redirected errors (RFC 9207). */
  readonly issuer: string;
  readonly executeAs: ExecuteAs;
  readonly authenticateToken: RawRouteContext['authenticateToken'];
  /** REGISTRATION_ENABLED: the sign-in page links to the hosted sign-up page. */
  readonly registrationEnabled: boolean;
}

export function pagesOf(context: RawRouteContext): Pages {
  const { config } = context;
  return {
    logger: context.logger.child({ component: 'pages' }),
    // Secure outside development (browsers also keep Secure cookies of http://localhost and 127.0.0.1).
    cookies: { secure: config.env !== 'development' || config.publicUrl.startsWith('https://') },
    publicOrigin: new URL(config.publicUrl).origin,
    issuer: config.publicUrl,
    executeAs: context.executeAs,
    authenticateToken: context.authenticateToken,
    registrationEnabled: config.registrationEnabled,
  };
}

/** One request of the flow: the pages, the exchange, and the authorization request it carries. */
export interface FlowStep {
  readonly pages: Pages;
  readonly req: Request;
  readonly res: Response;
  readonly params: FlowParams;
  /** The page's language (ui_locales, else Accept-Language; consent also knows the member's own). */
  readonly language: PageLanguage;
}

/** The step of a request whose authorization parameters are in `source` (its query or its form). */
export function flowStep(pages: Pages, req: Request, res: Response, source: Record<string, unknown>): FlowStep {
  const params = flowParams(source);
  return { pages, req, res, params, language: pageLanguage(req, res, params.ui_locales) };
}

/** The application as identity sees this authorization request. */
export type Prompt = NonNullable<PageAuthorizationPromptQuery['applicationForAuthorization']>;

const FLOW_FIELDS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'prompt',
  'max_age',
  'login_hint',
  // Only so they can be refused (request_not_supported): never read.
  'request',
  'request_uri',
  'ui_locales',
] as const;
/** The authorization request's parameters (RFC 6749 §4.1.1), in the query or in each form. */
export const flowFields: readonly string[] = FLOW_FIELDS;

/** A form field as text ('' when absent; urlencoded bodies hold only strings). */
export function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

export function flowParams(source: Record<string, unknown>): FlowParams {
  const params: Record<string, string> = {};
  for (const name of FLOW_FIELDS) {
    const value = source[name];
    if (typeof value === 'string' && value.length <= 2048) params[name] = value;
    // A request object may be long; it is only ever refused, so a marker of it is enough.
    else if (typeof value === 'string' && (name === 'request' || name === 'request_uri')) params[name] = '…';
  }
  return params;
}

/** Runs one of identity's page operations as `caller`; its errors throw AppError. */
export function run<TData, TVariables extends Record<string, unknown>>(
  step: FlowStep,
  caller: Authenticated,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): Promise<TData> {
  return dataAs(step.pages.executeAs, step.req, step.res, caller, document, variables);
}

/** The signed-in person of this browser, from the session cookie. */
export async function session(pages: Pages, req: Request): Promise<Authenticated | undefined> {
  const token = readCookies(req)[SESSION_COOKIE];
  if (!token) return undefined;
  const principal = await pages.authenticateToken(token);
  return principal ? { principal, forward: `Bearer ${token}` } : undefined;
}

/** A refusal page: its title and message from the catalog, in the step's language. */
export function refuse(
  step: Pick<FlowStep, 'res' | 'language'>,
  title: MessageKey,
  message: MessageKey,
  status = 400,
  found?: Prompt,
): void {
  const { locale, t } = step.language;
  sendPage(step.res, {
    title: t(title),
    locale,
    theme: checkTheme(found?.theme),
    status,
    body: errorPage(t, t(title), t(message)),
  });
}

/** Where the pages' forms may post besides this origin: the application's, to go back to it. */
export function formTargets(params: FlowParams): string[] {
  try {
    return params.redirect_uri ? [new URL(params.redirect_uri).origin] : [];
  } catch {
    return [];
  }
}

/**
 * Checks the application and redirect URI first: without both, nothing may redirect anywhere. Then
 * a request that no sign-in or consent could make valid (response_type, PKCE, an unknown scope) goes
 * back to the application at once with its error, as seed 004's POST endpoint answers it.
 */
export async function checkedPrompt(step: FlowStep, caller: Authenticated): Promise<Prompt | undefined> {
  const { res, params } = step;
  if (!params.client_id || !params.redirect_uri) {
    refuse(step, 'error.incompleteRequest.title', 'error.incompleteRequest.message');
    return undefined;
  }
  const { applicationForAuthorization: found } = await run(step, caller, PageAuthorizationPromptDocument, {
    clientId: params.client_id ?? '',
    redirectUri: params.redirect_uri ?? '',
    scope: params.scope ?? null,
    responseType: params.response_type ?? null,
    state: params.state ?? null,
    codeChallenge: params.code_challenge ?? null,
    codeChallengeMethod: params.code_challenge_method ?? null,
    prompt: params.prompt ?? null,
    maxAge: params.max_age ?? null,
    request: params.request ?? null,
    requestUri: params.request_uri ?? null,
  });
  if (!found) {
    refuse(step, 'error.unknownApplication.title', 'error.unknownApplication.message');
    return undefined;
  }
  if (!found.redirectUriRegistered) {
    refuse(step, 'error.unregisteredRedirect.title', 'error.unregisteredRedirect.message', 400, found);
    return undefined;
  }
  if (found.refusal) {
    res.redirect(303, found.refusal.redirectTo);
    return undefined;
  }
  return found;
}

/** The language of a request that failed before (or without) its step: its query or form's ui_locales. */
export function requestLanguage(req: Request, res: Response): PageLanguage {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const source = typeof body['ui_locales'] === 'string' ? body : (req.query as Record<string, unknown>);
  return pageLanguage(req, res, flowParams(source).ui_locales);
}

/** A page's work, with every failure answered as a page (never JSON, never a stack). */
export function pageHandler(pages: Pages, work: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await work(req, res);
    } catch (error) {
      const step = { res, language: requestLanguage(req, res) };
      // Refused as the request's own fault (a NUL in a parameter, say): it cannot go on, but nothing failed.
      if (error instanceof AppError && error.status < 500) {
        const status = error.status === 422 ? 400 : error.status;
        if (!res.headersSent) refuse(step, 'error.invalidRequest.title', 'error.startAgain', status);
        return;
      }
      pages.logger.error({ err: error }, 'authorization page failed');
      if (!res.headersSent) refuse(step, 'error.failure.title', 'error.failure.message', 500);
    }
  };
}
