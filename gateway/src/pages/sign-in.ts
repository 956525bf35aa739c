import { anonymous } from '../../../lib/auth/principal.js';
import { AppError } from '../../../lib/errors/index.js';
import type { Translate } from '../../../lib/i18n/catalog.js';
import { PageResendEmailVerificationDocument, PageSignInDocument } from '../generated/graphql.js';
import {
  checkedPrompt,
  field,
  formTargets,
  run,
  SESSION_COOKIE,
  type FlowStep,
  type Prompt,
} from './authorize-flow.js';
import { continueSignedIn } from './consent.js';
import { setPageCookie } from './cookies.js';
import { csrfToken } from './csrf.js';
import { sendPage } from './layout.js';
import { completeSecondFactor, showSecondFactor } from './second-factor.js';
import { rememberSignInFor, satisfiedBySignIn } from './sign-in-again.js';
import { checkTheme } from './theme.js';
import { signInLinks } from './self-service/views.js';
import { signInPage } from './views.js';

/** A refusal to show; `invalid` when it is about what was typed (the fields get aria-invalid). */
type Problem = { message: string; status: number; invalid?: boolean };

/** Messages for refusals a person can act on; anything else is "try again later". */
function signInProblem(t: Translate, error: AppError): Problem {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return { message: t('signIn.invalidCredentials'), status: 401, invalid: true };
    case 'OTP_INVALID':
      return { message: t('mfa.wrongCode'), status: 401 };
    case 'RATE_LIMITED':
      return { message: t('signIn.rateLimited'), status: 429 };
    case 'FORBIDDEN':
      return { message: t('signIn.forbidden'), status: 403 };
    case 'VALIDATION_FAILED':
      return { message: t('signIn.missingFields'), status: 400, invalid: true };
    default:
      return { message: t('signIn.failed'), status: 500 };
  }
}

/**
 * REQUIRE_VERIFIED_EMAIL refused a right password: the page asks for a new verification mail with
 * the refusal's ticket at once (the resend path), and says so; within the cooldown it points to the
 * mail already sent.
 */
async function resendVerification(step: FlowStep, ticket: unknown): Promise<Problem> {
  const status = 403;
  const { t } = step.language;
  if (typeof ticket !== 'string') return { message: t('signIn.notVerifiedRecently'), status };
  try {
    await run(step, { principal: anonymous }, PageResendEmailVerificationDocument, { ticket });
    return { message: t('signIn.notVerified'), status };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      return { message: t('signIn.notVerifiedRecently'), status };
    }
    throw error;
  }
}

/** The sign-in page, themed for the application, with what went wrong last time and the address typed. */
export function showSignIn(step: FlowStep, found: Prompt, problem?: Problem, email?: string): void {
  const { req, res, params, pages } = step;
  const { locale, t } = step.language;
  sendPage(res, {
    title: t('signIn.pageTitle', { application: found.name }),
    locale,
    theme: checkTheme(found.theme),
    formTargets: formTargets(params),
    status: problem?.status ?? 200,
    body: signInPage({
      t,
      params,
      application: found.name,
      loginHint: params.login_hint,
      csrf: csrfToken(req, res, pages.cookies),
      email,
      error: problem?.message,
      invalid: problem?.invalid,
      links: signInLinks(t, params, pages.registrationEnabled),
    }),
  });
}

/** Signed in: the session cookie holds the access token, and the flow goes on to consent. */
async function signedIn(step: FlowStep, tokens: { accessToken: string; expiresIn: number }): Promise<void> {
  const { res, pages } = step;
  const lifetime = { ...pages.cookies, maxAgeSeconds: tokens.expiresIn };
  setPageCookie(res, SESSION_COOKIE, tokens.accessToken, lifetime);
  rememberSignInFor(step, lifetime);
  const principal = await pages.authenticateToken(tokens.accessToken);
  if (!principal) throw new AppError('INTERNAL', undefined, { cause: new Error('a fresh token did not verify') });
  // This sign-in was made for this request: prompt=login and max_age are met.
  await continueSignedIn(
    { ...step, params: satisfiedBySignIn(step.params) },
    { principal, forward: `Bearer ${tokens.accessToken}` },
  );
}

/**
 * The sign-in form (`sign_in`: e-mail and password) or the second-factor form (`mfa`: the ticket and
 * a code). A refusal shows the form again, with what to do; an enrolled second factor its own page.
 */
export async function submitSignIn(step: FlowStep, body: Record<string, unknown>, action: 'sign_in' | 'mfa') {
  const found = await checkedPrompt(step, { principal: anonymous });
  if (!found) return;
  try {
    if (action === 'sign_in') {
      const { login } = await run(step, { principal: anonymous }, PageSignInDocument, {
        input: { email: field(body, 'email'), password: field(body, 'password') },
      });
      await signedIn(step, login);
    } else {
      await signedIn(step, await completeSecondFactor(step, body));
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const { t } = step.language;
    const ticket = error.details['mfaTicket'];
    // Kept on the form after a refusal, so the member fixes the password instead of typing both again.
    const typed = action === 'sign_in' ? field(body, 'email').slice(0, 320) : undefined;
    if (error.code === 'EMAIL_NOT_VERIFIED') {
      showSignIn(step, found, await resendVerification(step, error.details['verificationTicket']), typed);
    } else if (error.code === 'MFA_REQUIRED' && typeof ticket === 'string') {
      showSecondFactor(step, found, ticket);
    } else if (action === 'mfa' && error.code === 'OTP_INVALID') {
      showSecondFactor(step, found, field(body, 'mfa_ticket'), signInProblem(t, error));
    } else if (action === 'mfa' && error.code === 'INVALID_TOKEN') {
      showSignIn(step, found, { message: t('signIn.tooSlow'), status: 401 });
    } else {
      showSignIn(step, found, signInProblem(t, error), typed);
    }
  }
}
