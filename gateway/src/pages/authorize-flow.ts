import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Request, Response } from 'express';
import { AppError } from '../../../lib/errors/index.js';
import type { Logger } from '../../../lib/logging/logger.js';
import type { Authenticated } from '../auth/authenticated.js';
import { dataAs, type ExecuteAs } from '../execution/in-process.js';
import { PageAuthorizationPromptDocument, type PageAuthorizationPromptQuery } from '../generated/graphql.js';
import type { RawRouteContext } from '../rest/raw-route.js';
import { readCookies, type CookieOptions } from './cookies.js';
import { sendPage } from './layout.js';
import { checkTheme } from './theme.js';
import { errorPage, type FlowParams } from './views.js';

/**
 * What every page of the authorization code flow shares: the request it carries from form to form,
 * the session cookie, the application check that comes before any page, and refusals. Nothing is
 * decided here: identity's operations hold every rule; the pages only carry the request through forms.
 */

export const SESSION_COOKIE = 'mg_session';
export const startAgain = 'Go back to the application and start again.';

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

export function refuse(res: Response, title: string, message: string, status = 400, found?: Prompt): void {
  sendPage(res, { title, theme: checkTheme(found?.theme), status, body: errorPage(title, message) });
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
    refuse(res, 'Incomplete request', 'The application did not say who it is or where to return.');
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
    refuse(res, 'Unknown application', 'This application is not registered here.');
    return undefined;
  }
  if (!found.redirectUriRegistered) {
    refuse(
      res,
      'Unregistered return address',
      'The application asked to return to an address it has not registered.',
      400,
      found,
    );
    return undefined;
  }
  if (found.refusal) {
    res.redirect(303, found.refusal.redirectTo);
    return undefined;
  }
  return found;
}

/** A page's work, with every failure answered as a page (never JSON, never a stack). */
export function pageHandler(pages: Pages, work: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await work(req, res);
    } catch (error) {
      // Refused as the request's own fault (a NUL in a parameter, say): it cannot go on, but nothing failed.
      if (error instanceof AppError && error.status < 500) {
        if (!res.headersSent) refuse(res, 'Invalid request', startAgain, error.status === 422 ? 400 : error.status);
        return;
      }
      pages.logger.error({ err: error }, 'authorization page failed');
      if (!res.headersSent) refuse(res, 'Something went wrong', 'Try again later.', 500);
    }
  };
}
