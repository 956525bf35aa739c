import { anonymous } from '../../../../lib/auth/principal.js';
import { selfServicePages } from '../../../../lib/auth/self-service-pages.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { MessageKey } from '../../../../lib/i18n/catalog.js';
import { PageRegisterDocument } from '../../generated/graphql.js';
import type { RawRouteContext, RawRouteDeclaration } from '../../rest/raw-route.js';
import { field, run, SESSION_COOKIE, type FlowStep } from '../authorize-flow.js';
import { setPageCookie } from '../cookies.js';
import { csrfAccepted, csrfToken } from '../csrf.js';
import { fieldMessages, passwordProblemText } from '../password-problems.js';
import { formExpired, show, stepOf } from './common.js';
import { signUpOperation, signUpPageOperation } from './openapi.js';
import { noticePage, signUpPage } from './views.js';
import { formHandlers, pageHandlers } from '../page-handlers.js';

/**
 * The hosted sign-up page (REGISTRATION_ENABLED), linked from the sign-in page with its authorization
 * request: GraphQL `register` behind a form. Signed up and signed in, the browser goes on to the
 * authorization flow it came from; with REQUIRE_VERIFIED_EMAIL it is told to open the mailed link first.
 */

function closed(step: FlowStep): void {
  const { t } = step.language;
  const title = t('signUp.closedTitle');
  show(step, title, noticePage({ t, title, message: t('signUp.closed') }), 404);
}

type FormField = 'email' | 'password' | 'display_name';

/** register's input fields, the form's field for each, and the catalog's words for a refused value. */
const FIELD_PROBLEMS: Readonly<Record<string, readonly [FormField, MessageKey]>> = {
  email: ['email', 'signUp.invalidEmail'],
  password: ['password', 'signUp.invalidPassword'],
  displayName: ['display_name', 'signUp.invalidName'],
};

/**
 * What was wrong with the form, and which field it is about. identity names the refused field (its
 * words are English), so the page says the field's whole rule from the catalog instead.
 */
function formProblem(step: FlowStep, error: AppError): { message: string; field: FormField } {
  const { t } = step.language;
  if (error.code === 'CONFLICT') return { message: t('signUp.taken'), field: 'email' };
  const fields = error.details['fields'];
  const first: unknown = Array.isArray(fields) ? fields[0] : undefined;
  const name = typeof first === 'object' && first !== null ? (first as { field?: unknown }).field : undefined;
  const known = typeof name === 'string' ? FIELD_PROBLEMS[name] : undefined;
  if (!known) return { message: t('signUp.invalidForm'), field: 'email' };
  if (name === 'password') {
    return { message: passwordProblemText(t, fieldMessages(error.details, 'password'), known[1]), field: 'password' };
  }
  return { message: t(known[1]), field: known[0] };
}

export const signUpGet: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.signUp,
  rateLimit: 'auth',
  openapi: signUpPageOperation,
  handlers: pageHandlers(async (pages, req, res) => {
    const step = stepOf(pages, req, res, req.query);
    if (!pages.registrationEnabled) {
      closed(step);
      return;
    }
    const { t } = step.language;
    show(step, t('signUp.title'), signUpPage({ t, params: step.params, csrf: csrfToken(req, res, pages.cookies) }));
  }),
};

export const signUpPost: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: selfServicePages.signUp,
  rateLimit: 'auth',
  openapi: signUpOperation,
  handlers: formHandlers(async (pages, req, res, body) => {
    const step = stepOf(pages, req, res, body);
    const { t } = step.language;
    if (!csrfAccepted(req, pages.publicOrigin)) {
      formExpired(step);
      return;
    }
    if (!pages.registrationEnabled) {
      closed(step);
      return;
    }
    const email = field(body, 'email').trim();
    const displayName = field(body, 'display_name').trim();
    try {
      const { register } = await run(step, { principal: anonymous }, PageRegisterDocument, {
        input: { email, password: field(body, 'password'), ...(displayName ? { displayName } : {}) },
      });
      setPageCookie(res, SESSION_COOKIE, register.accessToken, {
        ...pages.cookies,
        maxAgeSeconds: register.expiresIn,
      });
      if (step.params.client_id) {
        // Back to the authorization request it came with, now signed in: consent comes next.
        res.redirect(303, `/oauth/authorize?${new URLSearchParams(step.params as Record<string, string>).toString()}`);
        return;
      }
      const title = t('signUp.createdTitle');
      show(step, title, noticePage({ t, title, message: t('signUp.created', { email: register.user.email }) }));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'EMAIL_NOT_VERIFIED') {
        const title = t('signUp.createdTitle');
        const message = t('signUp.verifyFirst', { email });
        show(step, title, noticePage({ t, title, message, params: step.params }));
      } else if (error.code === 'VALIDATION_FAILED' || error.code === 'CONFLICT') {
        const csrf = csrfToken(req, res, pages.cookies);
        const { message, field: errorField } = formProblem(step, error);
        const view = { t, params: step.params, csrf, email, displayName, error: message, errorField };
        show(step, t('signUp.title'), signUpPage(view), error.code === 'CONFLICT' ? 409 : 400);
      } else if (error.code === 'FORBIDDEN') {
        closed(step);
      } else {
        throw error;
      }
    }
  }),
};
