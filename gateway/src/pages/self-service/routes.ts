import express from 'express';
import { anonymous } from '../../../../lib/auth/principal.js';
import { selfServicePages } from '../../../../lib/auth/self-service-pages.js';
import { AppError } from '../../../../lib/errors/index.js';
import {
  PageCompletePasswordResetDocument,
  PagePasswordResetLinkStatusDocument,
  PageRequestPasswordResetDocument,
  PageResetCompleteMfaDocument,
  PageVerifyEmailDocument,
} from '../../generated/graphql.js';
import { defineFamilyRoutes } from '../../rest/families.js';
import type { RawRouteContext, RawRouteDeclaration, RawRouteDefinition } from '../../rest/raw-route.js';
import { field, pageHandler, pagesOf, run, SESSION_COOKIE, type FlowStep } from '../authorize-flow.js';
import { setPageCookie } from '../cookies.js';
import { csrfAccepted, csrfToken } from '../csrf.js';
import {
  forgotPasswordOperation,
  forgotPasswordPageOperation,
  resetPasswordOperation,
  resetPasswordPageOperation,
  verifyEmailPageOperation,
} from './openapi.js';
import { isRefusedResetReason, selfServiceTexts as texts, type RefusedResetReason } from './texts.js';
import { queryToken, show, stepOf } from './common.js';
import { signUpGet, signUpPost } from './sign-up.js';
import { forgotPasswordPage, noticePage, resetPasswordPage, resetSecondFactorPage } from './views.js';

/**
 * The hosted self-service pages: sign-up (sign-up.ts), a verification link's landing page, and the
 * forgotten-password flow (ask for a link, follow it, choose a password, be signed in). Server-rendered like the sign-in
 * page (same layout, CSP, CSRF check, no script); identity's operations hold every rule.
 */

/** The reset link lives 30 minutes (identity's PASSWORD_RESET_TTL_MS), as the page tells. */
const RESET_LINK_MINUTES = 30;

const verifyEmailPage: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.verifyEmail,
  // Guessing tokens aims here.
  rateLimit: 'auth',
  openapi: verifyEmailPageOperation,
  handlers: (context) => {
    const pages = pagesOf(context);
    return [
      pageHandler(pages, async (req, res) => {
        const step = stepOf(pages, req, res, {});
        const { verifyEmail } = await run(step, { principal: anonymous }, PageVerifyEmailDocument, {
          token: queryToken(req),
        });
        const words = texts.verifyEmail[verifyEmail.status];
        const good = verifyEmail.status === 'VERIFIED' || verifyEmail.status === 'CHANGED';
        show(
          step,
          words.title,
          noticePage({ title: words.title, message: words.message(verifyEmail.email ?? ''), alert: !good }),
          good ? 200 : verifyEmail.status === 'INVALID' ? 404 : 410,
        );
      }),
    ];
  },
};

const forgotPasswordGet: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.forgotPassword,
  rateLimit: 'auth',
  openapi: forgotPasswordPageOperation,
  handlers: (context) => {
    const pages = pagesOf(context);
    return [
      pageHandler(pages, async (req, res) => {
        const step = stepOf(pages, req, res, req.query);
        show(
          step,
          texts.forgot.title,
          forgotPasswordPage({ params: step.params, csrf: csrfToken(req, res, pages.cookies) }),
        );
      }),
    ];
  },
};

/** The same page for every address, known or not: the operation answers alike, and so does this. */
const forgotPasswordPost: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: selfServicePages.forgotPassword,
  rateLimit: 'auth',
  openapi: forgotPasswordOperation,
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
        const email = field(body, 'email').trim();
        if (!email) {
          const csrf = csrfToken(req, res, pages.cookies);
          show(
            step,
            texts.forgot.title,
            forgotPasswordPage({ params: step.params, csrf, error: texts.forgot.missingEmail }),
            400,
          );
          return;
        }
        await run(step, { principal: anonymous }, PageRequestPasswordResetDocument, { email });
        show(
          step,
          texts.forgot.sentTitle,
          noticePage({
            title: texts.forgot.sentTitle,
            message: texts.forgot.sent(RESET_LINK_MINUTES),
            params: step.params,
          }),
        );
      }),
    ];
  },
};

function showRefusedLink(step: FlowStep, reason: RefusedResetReason): void {
  const words = texts.reset.refused[reason];
  show(step, words.title, noticePage({ title: words.title, message: words.message, alert: true, askAgain: true }), 410);
}

const resetPasswordGet: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.resetPassword,
  rateLimit: 'auth',
  openapi: resetPasswordPageOperation,
  handlers: (context) => {
    const pages = pagesOf(context);
    return [
      pageHandler(pages, async (req, res) => {
        const step = stepOf(pages, req, res, {});
        const token = queryToken(req);
        const { passwordResetLinkStatus: status } = await run(
          step,
          { principal: anonymous },
          PagePasswordResetLinkStatusDocument,
          { token },
        );
        if (status !== 'VALID') {
          showRefusedLink(
            step,
            status === 'USED'
              ? 'used'
              : status === 'EXPIRED'
                ? 'expired'
                : status === 'SUPERSEDED'
                  ? 'superseded'
                  : 'invalid',
          );
          return;
        }
        show(step, texts.reset.title, resetPasswordPage({ token, csrf: csrfToken(req, res, pages.cookies) }));
      }),
    ];
  },
};

/** Signed in: the pages' session cookie, as the sign-in page sets it, and a page that says so. */
function signedIn(step: FlowStep, tokens: { accessToken: string; expiresIn: number }, email: string): void {
  setPageCookie(step.res, SESSION_COOKIE, tokens.accessToken, {
    ...step.pages.cookies,
    maxAgeSeconds: tokens.expiresIn,
  });
  show(step, texts.reset.doneTitle, noticePage({ title: texts.reset.doneTitle, message: texts.reset.done(email) }));
}

/** The problems of a refused password, as identity words them ("must be at least 8 characters"). */
function passwordProblem(error: AppError): string {
  const fields = error.details['fields'];
  const messages = Array.isArray(fields)
    ? fields.flatMap((entry: unknown) =>
        typeof entry === 'object' && entry !== null && typeof (entry as { message?: unknown }).message === 'string'
          ? [(entry as { message: string }).message]
          : [],
      )
    : [];
  return messages.length > 0 ? `${texts.reset.passwordLabel}: ${messages.join('; ')}.` : error.message;
}

async function submitReset(step: FlowStep, body: Record<string, unknown>): Promise<void> {
  const { req, res, pages } = step;
  const token = field(body, 'token');
  try {
    const { completePasswordReset } = await run(step, { principal: anonymous }, PageCompletePasswordResetDocument, {
      token,
      password: field(body, 'password'),
    });
    signedIn(step, completePasswordReset, completePasswordReset.user.email);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const ticket = error.details['mfaTicket'];
    if (error.code === 'MFA_REQUIRED' && typeof ticket === 'string') {
      const csrf = csrfToken(req, res, pages.cookies);
      show(step, texts.reset.mfaTitle, resetSecondFactorPage({ ticket, csrf }), 401);
    } else if (error.code === 'INVALID_TOKEN') {
      const reason = error.details['reason'];
      showRefusedLink(step, isRefusedResetReason(reason) ? reason : 'invalid');
    } else if (error.code === 'VALIDATION_FAILED') {
      const csrf = csrfToken(req, res, pages.cookies);
      show(step, texts.reset.title, resetPasswordPage({ token, csrf, error: passwordProblem(error) }), 400);
    } else {
      throw error;
    }
  }
}

async function submitSecondFactor(step: FlowStep, body: Record<string, unknown>): Promise<void> {
  const { req, res, pages } = step;
  const ticket = field(body, 'mfa_ticket');
  try {
    const { completeMfaSignIn } = await run(step, { principal: anonymous }, PageResetCompleteMfaDocument, {
      ticket,
      code: field(body, 'code').replace(/[\s-]/g, ''),
    });
    signedIn(step, completeMfaSignIn, completeMfaSignIn.user.email);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const csrf = csrfToken(req, res, pages.cookies);
    if (error.code === 'OTP_INVALID' || error.code === 'VALIDATION_FAILED') {
      show(step, texts.reset.mfaTitle, resetSecondFactorPage({ ticket, csrf, error: texts.reset.mfaWrong }), 401);
    } else if (error.code === 'INVALID_TOKEN') {
      show(
        step,
        texts.reset.mfaTitle,
        noticePage({ title: texts.reset.doneTitle, message: texts.reset.mfaExpired, alert: true }),
        401,
      );
    } else {
      throw error;
    }
  }
}

const resetPasswordPost: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: selfServicePages.resetPassword,
  rateLimit: 'auth',
  openapi: resetPasswordOperation,
  handlers: (context) => {
    const pages = pagesOf(context);
    return [
      express.urlencoded({ extended: false, limit: '16kb' }),
      pageHandler(pages, async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const step = stepOf(pages, req, res, {});
        if (!csrfAccepted(req, pages.publicOrigin)) {
          show(step, texts.formExpired.title, noticePage({ ...texts.formExpired, alert: true }), 403);
          return;
        }
        if (body['action'] === 'mfa') await submitSecondFactor(step, body);
        else await submitReset(step, body);
      }),
    ];
  },
};

/** In seed 004's family, beside the authorization pages (their cookies' path). */
export const selfServicePageRoutes: readonly RawRouteDefinition[] = defineFamilyRoutes('oauth', [
  signUpGet,
  signUpPost,
  verifyEmailPage,
  forgotPasswordGet,
  forgotPasswordPost,
  resetPasswordGet,
  resetPasswordPost,
]);
