import type { Authenticated } from '../auth/authenticated.js';
import { PageAuthorizeDocument, PageWhoAmIDocument } from '../generated/graphql.js';
import { checkedPrompt, formTargets, run, type FlowStep } from './authorize-flow.js';
import { csrfToken } from './csrf.js';
import { sendPage } from './layout.js';
import { pageLanguage } from './locale.js';
import { checkTheme } from './theme.js';
import { consentPage } from './views.js';

/** Approves or refuses through identity and sends the browser on (303: the next request is a GET). */
export async function decide(step: FlowStep, caller: Authenticated, denied: boolean): Promise<void> {
  const { params } = step;
  const { authorizeApplication } = await run(step, caller, PageAuthorizeDocument, {
    input: {
      responseType: params.response_type ?? null,
      clientId: params.client_id ?? '',
      redirectUri: params.redirect_uri ?? '',
      scope: params.scope ?? null,
      state: params.state ?? null,
      codeChallenge: params.code_challenge ?? null,
      codeChallengeMethod: params.code_challenge_method ?? null,
      denied,
    },
  });
  step.res.redirect(303, authorizeApplication.redirectTo);
}

/** With a session: straight on when consent already covers the request, else the consent page. */
export async function continueSignedIn(step: FlowStep, caller: Authenticated): Promise<void> {
  const found = await checkedPrompt(step, caller);
  if (!found) return;
  if (found.alreadyAuthorized) {
    await decide(step, caller, false);
    return;
  }
  const { me } = await run(step, caller, PageWhoAmIDocument);
  const { req, res, params, pages } = step;
  // The member is known here: their profile language comes before the browser's.
  const { locale, t } = pageLanguage(req, res, params.ui_locales, me?.memberProfile?.language);
  sendPage(res, {
    title: t('consent.title', { application: found.name }),
    locale,
    theme: checkTheme(found.theme),
    formTargets: formTargets(params),
    body: consentPage({
      t,
      params,
      application: found.name,
      description: found.description ?? undefined,
      scopes: found.requestedScopes,
      email: me?.email ?? '',
      csrf: csrfToken(req, res, pages.cookies),
    }),
  });
}

/** The consent form's answer (`approve` or `deny`) from a signed-in browser. */
export async function submitDecision(step: FlowStep, caller: Authenticated, denied: boolean): Promise<void> {
  const found = await checkedPrompt(step, caller);
  if (found) await decide(step, caller, denied);
}
