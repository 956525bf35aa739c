import express from 'express';
import { anonymous } from '../../../../lib/auth/principal.js';
import { selfServicePages } from '../../../../lib/auth/self-service-pages.js';
import { AppError } from '../../../../lib/errors/index.js';
import { PageRegisterDocument } from '../../generated/graphql.js';
import type { RawRouteContext, RawRouteDeclaration } from '../../rest/raw-route.js';
import { field, pageHandler, pagesOf, run, SESSION_COOKIE, type FlowStep } from '../authorize-flow.js';
import { setPageCookie } from '../cookies.js';
import { csrfAccepted, csrfToken } from '../csrf.js';
import { show, stepOf } from './common.js';
import { signUpOperation, signUpPageOperation } from './openapi.js';
import { selfServiceTexts as texts } from './texts.js';
import { noticePage, signUpPage } from './views.js';

/**
 * The hosted sign-up page (REGISTRATION_ENABLED), linked from the sign-in page with its authorization
 * request: GraphQL `register` behind a form. Signed up and signed in, the browser goes on to the
 * authorization flow it came from; with REQUIRE_VERIFIED_EMAIL it is told to open the mailed link first.
 */

function closed(step: FlowStep): void {
  show(
    step,
    texts.signUp.closedTitle,
    noticePage({ title: texts.signUp.closedTitle, message: texts.signUp.closed }),
    404,
  );
}

/** What was wrong with the form, in the page's words ("E-mail address must be an email address"). */
function formProblem(error: AppError): string {
  if (error.code === 'CONFLICT') return texts.signUp.taken;
  const fields = error.details['fields'];
  if (!Array.isArray(fields)) return error.message;
  return fields
    .flatMap((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { field: name, message } = entry as { field?: unknown; message?: unknown };
      if (typeof name !== 'string' || typeof message !== 'string') return [];
      return [`${texts.signUp.fields[name] ?? name} ${message}.`];
    })
    .join(' ');
}

export const signUpGet: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.signUp,
  rateLimit: 'auth',
  openapi: signUpPageOperation,
  handlers: (context) => {
    const pages = pagesOf(context);
    return [
      pageHandler(pages, async (req, res) => {
        const step = stepOf(pages, req, res, req.query);
        if (!pages.registrationEnabled) {
          closed(step);
          return;
        }
        show(step, texts.signUp.title, signUpPage({ params: step.params, csrf: csrfToken(req, res, pages.cookies) }));
      }),
    ];
  },
};

export const signUpPost: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: selfServicePages.signUp,
  rateLimit: 'auth',
  openapi: signUpOperation,
  handlers: (context) => {
    const pages = pagesOf(context);
    return [
      express.urlencoded({ extended: false, limit: '16kb' }),
      pageHandler(pages, async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const step = stepOf(pages, req, res, body);
        if (!csrfAccepted(req, pages.publicOrigin)) {
          show(step, texts.formExpired.title, noticePage({ ...texts.formExpired, alert: true }), 403);
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
            res.redirect(
              303,
              `/oauth/authorize?${new URLSearchParams(step.params as Record<string, string>).toString()}`,
            );
            return;
          }
          const title = texts.signUp.createdTitle;
          show(step, title, noticePage({ title, message: texts.signUp.created(register.user.email) }));
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          if (error.code === 'EMAIL_NOT_VERIFIED') {
            const title = texts.signUp.createdTitle;
            show(step, title, noticePage({ title, message: texts.signUp.verifyFirst(email), params: step.params }));
          } else if (error.code === 'VALIDATION_FAILED' || error.code === 'CONFLICT') {
            const csrf = csrfToken(req, res, pages.cookies);
            const view = { params: step.params, csrf, email, displayName, error: formProblem(error) };
            show(step, texts.signUp.title, signUpPage(view), error.code === 'CONFLICT' ? 409 : 400);
          } else if (error.code === 'FORBIDDEN') {
            closed(step);
          } else {
            throw error;
          }
        }
      }),
    ];
  },
};
