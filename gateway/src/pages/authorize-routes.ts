import type { ErrorRequestHandler } from 'express';
import { anonymous } from '../../../lib/auth/principal.js';
import { AUTHORIZATION_ENDPOINT_PATH } from '../discovery/metadata.js';
import { clientRequestError } from '../http/client-errors.js';
import { defineFamilyRoutes } from '../rest/families.js';
import type { RawRouteContext, RawRouteDeclaration, RawRouteDefinition } from '../rest/raw-route.js';
import {
  checkedPrompt,
  flowStep,
  refuse,
  requestLanguage,
  session,
  SESSION_COOKIE,
  type FlowStep,
} from './authorize-flow.js';
import { authorizeFormOperation, authorizePageOperation } from './authorize-openapi.js';
import { continueSignedIn, submitDecision } from './consent.js';
import { clearPageCookie } from './cookies.js';
import { csrfAccepted } from './csrf.js';
import { showSignIn, submitSignIn } from './sign-in.js';
import { promptOf, redirectError, signInAgainReason } from './sign-in-again.js';
import { formHandlers, pageHandlers } from './page-handlers.js';

/**
 * The browser side of the authorization code flow: `GET /oauth/authorize` (the endpoint named in
 * discovery) signs the person in on a page themed for the application (sign-in.ts), asks for the
 * second factor when enrolled (second-factor.ts), asks for consent (consent.ts), and sends the browser
 * to the redirect URI with a code. Every form posts back to the same path with its `action`.
 */

/** An authorization request arriving (GET, or an application's form POST): consent when the session serves, else sign-in. */
async function startRequest(step: FlowStep): Promise<void> {
  const caller = await session(step.pages, step.req);
  // The browser's session is reused unless prompt, max_age or single_sign_on say otherwise.
  if (caller && !(await signInAgainReason(step, caller))) {
    await continueSignedIn(step, caller);
    return;
  }
  const found = await checkedPrompt(step, { principal: anonymous });
  if (!found) return;
  // OIDC Core §3.1.2.6: no page may be shown, and a sign-in is needed.
  if (promptOf(step.params).has('none')) redirectError(step, 'login_required', 'The user must sign in');
  else showSignIn(step, found);
}

/** The page a browser is sent to: consent when its session is alive, else sign-in. */
const authorizePage: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: AUTHORIZATION_ENDPOINT_PATH,
  // What password and code guessing aim at, as the POST below.
  rateLimit: 'auth',
  openapi: authorizePageOperation,
  handlers: pageHandlers(async (pages, req, res) => {
    await startRequest(flowStep(pages, req, res, req.query));
  }),
};

// A form the body parser refused (too large, another charset): a page for the browser, not JSON.
const unreadableForm: ErrorRequestHandler = (error, req, res, next) => {
  const refusal = clientRequestError(error);
  if (!refusal) {
    next(error);
    return;
  }
  const status = refusal.code === 'VALIDATION_FAILED' ? 400 : refusal.status;
  refuse({ res, language: requestLanguage(req, res) }, 'error.invalidRequest.title', 'error.startAgain', status);
};

/** Every form of the flow: sign-in, second factor, another account, consent. */
const authorizeForm: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: AUTHORIZATION_ENDPOINT_PATH,
  rateLimit: 'auth',
  openapi: authorizeFormOperation,
  handlers: formHandlers(async (pages, req, res, body) => {
    const step = flowStep(pages, req, res, body);
    // OIDC Core §3.1.2.1: an application may POST the request itself, as a form; it is a GET's twin
    // (no form of ours, so no CSRF token: it changes nothing a GET would not).
    if (body['action'] === undefined) {
      await startRequest(step);
      return;
    }
    if (!csrfAccepted(req, pages.publicOrigin)) {
      refuse(step, 'error.formExpired.title', 'error.formExpired.message', 403);
      return;
    }
    const action = body['action'];
    if (action === 'sign_in' || action === 'mfa') {
      await submitSignIn(step, body, action);
      return;
    }
    if (action === 'switch_account') {
      clearPageCookie(res, SESSION_COOKIE, pages.cookies);
      const found = await checkedPrompt(step, { principal: anonymous });
      if (found) showSignIn(step, found);
      return;
    }
    if (action === 'approve' || action === 'deny') {
      const caller = await session(pages, req);
      if (caller) {
        await submitDecision(step, caller, action === 'deny');
        return;
      }
      const found = await checkedPrompt(step, { principal: anonymous });
      if (found) showSignIn(step, found, { message: step.language.t('signIn.sessionEnded'), status: 401 });
      return;
    }
    refuse(step, 'error.unknownAction.title', 'error.startAgain');
  }, unreadableForm),
};

/** The hosted pages, in seed 004's family (the authorization endpoint of its OAuth service). */
export const authorizePageRoutes: readonly RawRouteDefinition[] = defineFamilyRoutes('oauth', [
  authorizePage,
  authorizeForm,
]);
