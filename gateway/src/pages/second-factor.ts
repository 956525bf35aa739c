import { anonymous } from '../../../lib/auth/principal.js';
import { PageCompleteMfaDocument } from '../generated/graphql.js';
import { field, formTargets, run, type FlowStep, type Prompt } from './authorize-flow.js';
import { csrfToken } from './csrf.js';
import { sendPage } from './layout.js';
import { checkTheme } from './theme.js';
import { mfaPage } from './views.js';

/** The second-factor page: the code of the person's authenticator app, for the sign-in's ticket. */
export function showSecondFactor(
  step: FlowStep,
  found: Prompt,
  ticket: string,
  problem?: { message: string; status: number },
): void {
  const { req, res, params, pages } = step;
  const { locale, t } = step.language;
  sendPage(res, {
    title: t('mfa.title'),
    locale,
    theme: checkTheme(found.theme),
    formTargets: formTargets(params),
    ...(problem ? { status: problem.status } : {}),
    body: mfaPage({ t, params, ticket, csrf: csrfToken(req, res, pages.cookies), error: problem?.message }),
  });
}

/** Completes a sign-in with its ticket and the code typed (spaces and dashes are how codes are shown). */
export async function completeSecondFactor(step: FlowStep, body: Record<string, unknown>) {
  const { completeMfaSignIn } = await run(step, { principal: anonymous }, PageCompleteMfaDocument, {
    ticket: field(body, 'mfa_ticket'),
    code: field(body, 'code').replace(/[\s-]/g, ''),
  });
  return completeMfaSignIn;
}
