import type { Authenticated } from '../auth/authenticated.js';
import { PageAuthorizeDocument, PageWhoAmIDocument } from '../generated/graphql.js';
import { checkedPrompt, field, formTargets, run, type FlowStep } from './authorize-flow.js';
import { csrfToken } from './csrf.js';
import { sendPage } from './layout.js';
import { pageLanguage } from './locale.js';
import { checkTheme } from './theme.js';
import { claimNames, sharedClaimsOf } from './shared-claims.js';
import { promptOf } from './sign-in-again.js';
import { consentPage } from './views.js';

/**
 * Approves or refuses through identity and sends the browser on (303: the next request is a GET).
 * `claims`: the profile claims the consent page showed (OpenID Connect), which the approval covers.
 */
export async function decide(
  step: FlowStep,
  caller: Authenticated,
  denied: boolean,
  claims: readonly string[] = [],
): Promise<void> {
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
      nonce: params.nonce ?? null,
      prompt: params.prompt ?? null,
      maxAge: params.max_age ?? null,
      claims: [...claims],
      denied,
    },
  });
  step.res.redirect(303, authorizeApplication.redirectTo);
}

/** With a session: straight on when consent already covers the request, else the consent page. */
export async function continueSignedIn(step: FlowStep, caller: Authenticated): Promise<void> {
  const found = await checkedPrompt(step, caller);
  if (!found) return;
  const shared = sharedClaimsOf(found);
  const names = claimNames(shared);
  const prompt = promptOf(step.params);
  // Straight back only when the consent covers the scopes and every claim that would now be shared, and
  // the application did not ask for the consent page (prompt=consent). prompt=none never shows it:
  // identity answers consent_required when the consent does not cover the request.
  const covered = found.alreadyAuthorized && names.every((name) => found.consentedClaims.includes(name));
  if ((covered && !prompt.has('consent')) || prompt.has('none')) {
    await decide(step, caller, false, names);
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
      shared,
      email: me?.email ?? '',
      csrf: csrfToken(req, res, pages.cookies),
    }),
  });
}

/**
 * The consent form's answer (`approve` or `deny`) from a signed-in browser. The approval covers the
 * claims the page listed (its `claims` field), and only those the member's flags still allow now:
 * a form that names more than its page showed approves nothing more.
 */
export async function submitDecision(step: FlowStep, caller: Authenticated, denied: boolean): Promise<void> {
  const found = await checkedPrompt(step, caller);
  if (!found) return;
  const shown = field((step.req.body ?? {}) as Record<string, unknown>, 'claims').split(' ');
  const sharable = claimNames(sharedClaimsOf(found));
  await decide(
    step,
    caller,
    denied,
    sharable.filter((name) => shown.includes(name)),
  );
}
