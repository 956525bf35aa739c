import { anonymous } from '../../../../lib/auth/principal.js';
import { selfServicePages } from '../../../../lib/auth/self-service-pages.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { MessageKey } from '../../../../lib/i18n/catalog.js';
import {
  PageCompletePasswordResetDocument,
  PagePasswordResetLinkStatusDocument,
  PageRequestPasswordResetDocument,
  PageResetCompleteMfaDocument,
  PageVerifyEmailDocument,
} from '../../generated/graphql.js';
import { defineFamilyRoutes } from '../../rest/families.js';
import type { RawRouteContext, RawRouteDeclaration, RawRouteDefinition } from '../../rest/raw-route.js';
import { field, run, SESSION_COOKIE, type FlowStep } from '../authorize-flow.js';
import { setPageCookie } from '../cookies.js';
import { csrfAccepted, csrfToken } from '../csrf.js';
import {
  forgotPasswordOperation,
  forgotPasswordPageOperation,
  resetPasswordOperation,
  resetPasswordPageOperation,
  verifyEmailPageOperation,
} from './openapi.js';
import { fieldMessages, passwordProblemText } from '../password-problems.js';
import { formExpired, languageOnly, queryToken, show, stepOf } from './common.js';
import { signUpGet, signUpPost } from './sign-up.js';
import { forgotPasswordPage, noticePage, resetPasswordPage, resetSecondFactorPage } from './views.js';
import { formHandlers, pageHandlers } from '../page-handlers.js';

/**
 * The hosted self-service pages: sign-up (sign-up.ts), a verification link's landing page, and the
 * forgotten-password flow (ask for a link, follow it, choose a password, be signed in). Server-rendered like the sign-in
 * page (same layout, CSP, CSRF check, no script); identity's operations hold every rule.
 */

/** The reasons completePasswordReset gives for a refused link (INVALID_TOKEN details.reason). */
const REFUSED_RESET_REASONS = ['used', 'expired', 'superseded', 'invalid'] as const;
type RefusedResetReason = (typeof REFUSED_RESET_REASONS)[number];

function isRefusedResetReason(value: unknown): value is RefusedResetReason {
  return (REFUSED_RESET_REASONS as readonly unknown[]).includes(value);
}

/** The catalog's words for each outcome of opening a verification link. */
const VERIFY_EMAIL_TEXTS = {
  VERIFIED: ['verifyEmail.verified.title', 'verifyEmail.verified.message'],
  CHANGED: ['verifyEmail.changed.title', 'verifyEmail.changed.message'],
  USED: ['verifyEmail.used.title', 'verifyEmail.used.message'],
  EXPIRED: ['verifyEmail.expired.title', 'verifyEmail.expired.message'],
  SUPERSEDED: ['verifyEmail.superseded.title', 'verifyEmail.superseded.message'],
  INVALID: ['verifyEmail.invalid.title', 'verifyEmail.invalid.message'],
  TAKEN: ['verifyEmail.taken.title', 'verifyEmail.taken.message'],
} as const satisfies Record<string, readonly [MessageKey, MessageKey]>;

/** The reset link lives 30 minutes (identity's PASSWORD_RESET_TTL_MS), as the page tells. */
const RESET_LINK_MINUTES = 30;

const verifyEmailPage: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.verifyEmail,
  // Guessing tokens aims here.
  rateLimit: 'auth',
  openapi: verifyEmailPageOperation,
  handlers: pageHandlers(async (pages, req, res) => {
    const step = stepOf(pages, req, res, languageOnly(req.query));
    const { t } = step.language;
    const { verifyEmail } = await run(step, { principal: anonymous }, PageVerifyEmailDocument, {
      token: queryToken(req),
    });
    const [titleKey, messageKey] = VERIFY_EMAIL_TEXTS[verifyEmail.status];
    const title = t(titleKey);
    const message = t(messageKey, { email: verifyEmail.email ?? '' });
    const good = verifyEmail.status === 'VERIFIED' || verifyEmail.status === 'CHANGED';
    show(
      step,
      title,
      noticePage({ t, title, message, alert: !good }),
      good ? 200 : verifyEmail.status === 'INVALID' ? 404 : 410,
    );
  }),
};

const forgotPasswordGet: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.forgotPassword,
  rateLimit: 'auth',
  openapi: forgotPasswordPageOperation,
  handlers: pageHandlers(async (pages, req, res) => {
    const step = stepOf(pages, req, res, req.query);
    const { t } = step.language;
    show(
      step,
      t('forgot.title'),
      forgotPasswordPage({ t, params: step.params, csrf: csrfToken(req, res, pages.cookies) }),
    );
  }),
};

/** The same page for every address, known or not: the operation answers alike, and so does this. */
const forgotPasswordPost: RawRouteDeclaration<RawRouteContext> = {
  method: 'post',
  path: selfServicePages.forgotPassword,
  rateLimit: 'auth',
  openapi: forgotPasswordOperation,
  handlers: formHandlers(async (pages, req, res, body) => {
    const step = stepOf(pages, req, res, body);
    const { t } = step.language;
    if (!csrfAccepted(req, pages.publicOrigin)) {
      formExpired(step);
      return;
    }
    const email = field(body, 'email').trim();
    if (!email) {
      const csrf = csrfToken(req, res, pages.cookies);
      const error = t('forgot.missingEmail');
      show(step, t('forgot.title'), forgotPasswordPage({ t, params: step.params, csrf, error }), 400);
      return;
    }
    await run(step, { principal: anonymous }, PageRequestPasswordResetDocument, { email });
    show(
      step,
      t('forgot.sentTitle'),
      noticePage({
        t,
        title: t('forgot.sentTitle'),
        message: t('forgot.sent', { minutes: RESET_LINK_MINUTES }),
        params: step.params,
      }),
    );
  }),
};

function showRefusedLink(step: FlowStep, reason: RefusedResetReason): void {
  const { t } = step.language;
  const title = t(`reset.${reason}.title`);
  const message = t(`reset.${reason}.message`);
  show(step, title, noticePage({ t, title, message, alert: true, askAgain: true }), 410);
}

const resetPasswordGet: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: selfServicePages.resetPassword,
  rateLimit: 'auth',
  openapi: resetPasswordPageOperation,
  handlers: pageHandlers(async (pages, req, res) => {
    const step = stepOf(pages, req, res, languageOnly(req.query));
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
    const { t } = step.language;
    show(
      step,
      t('reset.title'),
      resetPasswordPage({ t, params: step.params, token, csrf: csrfToken(req, res, pages.cookies) }),
    );
  }),
};

/** Signed in: the pages' session cookie, as the sign-in page sets it, and a page that says so. */
function signedIn(step: FlowStep, tokens: { accessToken: string; expiresIn: number }, email: string): void {
  setPageCookie(step.res, SESSION_COOKIE, tokens.accessToken, {
    ...step.pages.cookies,
    maxAgeSeconds: tokens.expiresIn,
  });
  const { t } = step.language;
  const title = t('reset.doneTitle');
  show(step, title, noticePage({ t, title, message: t('reset.done', { email }) }));
}

async function submitReset(step: FlowStep, body: Record<string, unknown>): Promise<void> {
  const { req, res, pages } = step;
  const { t } = step.language;
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
      show(step, t('mfa.title'), resetSecondFactorPage({ t, params: step.params, ticket, csrf }), 401);
    } else if (error.code === 'INVALID_TOKEN') {
      const reason = error.details['reason'];
      showRefusedLink(step, isRefusedResetReason(reason) ? reason : 'invalid');
    } else if (error.code === 'VALIDATION_FAILED') {
      const csrf = csrfToken(req, res, pages.cookies);
      const refused = passwordProblemText(t, fieldMessages(error.details, 'newPassword'), 'reset.passwordRefused');
      show(step, t('reset.title'), resetPasswordPage({ t, params: step.params, token, csrf, error: refused }), 400);
    } else {
      throw error;
    }
  }
}

async function submitSecondFactor(step: FlowStep, body: Record<string, unknown>): Promise<void> {
  const { req, res, pages } = step;
  const { t } = step.language;
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
      show(
        step,
        t('mfa.title'),
        resetSecondFactorPage({ t, params: step.params, ticket, csrf, error: t('mfa.wrongCode') }),
        401,
      );
    } else if (error.code === 'INVALID_TOKEN') {
      const title = t('reset.doneTitle');
      show(step, t('mfa.title'), noticePage({ t, title, message: t('reset.mfaExpired'), alert: true }), 401);
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
  handlers: formHandlers(async (pages, req, res, body) => {
    const step = stepOf(pages, req, res, languageOnly(body));
    if (!csrfAccepted(req, pages.publicOrigin)) {
      formExpired(step);
      return;
    }
    if (body['action'] === 'mfa') await submitSecondFactor(step, body);
    else await submitReset(step, body);
  }),
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
