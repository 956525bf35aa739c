import { selfServicePages } from '../../../../lib/auth/self-service-pages.js';
import type { Translate } from '../../../../lib/i18n/catalog.js';
import { html, type SafeHtml } from '../html.js';
import { emailField, fieldState, hiddenFields, mfaPage, passwordField, problem, type FlowParams } from '../views.js';

/** The authorization request a sign-in page came with, so "Back to sign in" returns to it. */
function flowQuery(params: FlowParams): string {
  return new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => !!entry[1]),
  ).toString();
}

/** Back to the sign-in page of the flow the person came from; nothing when they came from a mail. */
function backToSignIn(t: Translate, params: FlowParams): SafeHtml | string {
  return params.client_id
    ? html`<p class="who"><a href="/oauth/authorize?${flowQuery(params)}">${t('page.backToSignIn')}</a></p>`
    : '';
}

/** A page that only says something: a link's outcome, a mail sent, a refusal. */
export function noticePage(view: {
  t: Translate;
  title: string;
  message: string;
  alert?: boolean;
  params?: FlowParams;
  askAgain?: boolean;
}) {
  const { t } = view;
  return html`<h1>${view.title}</h1>
    ${view.alert ? html`<div class="error" role="alert">${view.message}</div>` : html`<p class="lead" role="status">${view.message}</p>`}
    ${view.askAgain ? html`<p class="who"><a href="${selfServicePages.forgotPassword}">${t('reset.askAgain')}</a></p>` : ''}
    ${backToSignIn(t, view.params ?? {})}`;
}

/** The sign-in page's links, carrying its authorization request: reset, and sign-up when open. */
export function signInLinks(t: Translate, params: FlowParams, signUp: boolean): SafeHtml {
  const query = flowQuery(params);
  const suffix = query ? `?${query}` : '';
  return html`<p class="who links">
    <a href="${selfServicePages.forgotPassword}${suffix}">${t('signIn.forgotPassword')}</a>
    ${signUp ? html`<a href="${selfServicePages.signUp}${suffix}">${t('signIn.createAccount')}</a>` : ''}
  </p>`;
}

export function signUpPage(view: {
  t: Translate;
  params: FlowParams;
  csrf: string;
  email?: string;
  displayName?: string;
  /** The refusal, and the field it is about (the e-mail address when it is the whole form's). */
  error?: string;
  errorField?: 'email' | 'password' | 'display_name';
}) {
  const { t } = view;
  const wrong = view.error ? (view.errorField ?? 'email') : undefined;
  const about = (name: string) => (wrong === name ? view.error : undefined);
  // Focus goes to the field to fix (the address first on a fresh form).
  const focus = (name: string) => ((wrong ?? 'email') === name ? html` autofocus` : '');
  return html`<h1>${t('signUp.title')}</h1>
    <p class="lead">${t('signUp.lead')}</p>
    ${problem(view.error)}
    <form method="post" action="${selfServicePages.signUp}" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      ${emailField(t, view.email ?? '', html`${focus('email')}${fieldState(about('email'))}`)}
      ${passwordField(
        t('page.passwordLabel'),
        'new-password',
        html`${focus('password')}${fieldState(about('password'), 'password-hint')}`,
      )}
      <p id="password-hint" class="hint">${t('signUp.passwordHint')}</p>
      <label for="display_name">${t('signUp.nameLabel')}</label>
      <input
        id="display_name"
        name="display_name"
        type="text"
        autocomplete="name"
        value="${view.displayName ?? ''}"
        ${fieldState(about('display_name'))}
      />
      <button type="submit">${t('signUp.submit')}</button>
    </form>
    ${backToSignIn(t, view.params)}`;
}

export function forgotPasswordPage(view: {
  t: Translate;
  params: FlowParams;
  csrf: string;
  email?: string;
  error?: string;
}) {
  const { t } = view;
  return html`<h1>${t('forgot.title')}</h1>
    <p class="lead">${t('forgot.lead')}</p>
    ${problem(view.error)}
    <form method="post" action="${selfServicePages.forgotPassword}" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      ${emailField(t, view.email ?? '', html` autofocus${fieldState(view.error)}`)}
      <button type="submit">${t('forgot.submit')}</button>
    </form>
    ${backToSignIn(t, view.params)}`;
}

/** `params` holds only the page's `ui_locales` (self-service/common.ts languageOnly), kept by the form. */
export function resetPasswordPage(view: {
  t: Translate;
  params: FlowParams;
  token: string;
  csrf: string;
  error?: string;
}) {
  const { t } = view;
  return html`<h1>${t('reset.title')}</h1>
    <p class="lead" id="password-rules">${t('reset.lead')}</p>
    ${problem(view.error)}
    <form method="post" action="${selfServicePages.resetPassword}" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      <input type="hidden" name="action" value="reset" />
      <input type="hidden" name="token" value="${view.token}" />
      ${passwordField(t('reset.passwordLabel'), 'new-password', html` autofocus${fieldState(view.error, 'password-rules')}`)}
      <button type="submit">${t('reset.submit')}</button>
    </form>`;
}

/** The second factor after a reset: the password is set, the sign-in waits for the code. */
export function resetSecondFactorPage(view: {
  t: Translate;
  params: FlowParams;
  ticket: string;
  csrf: string;
  error?: string;
}) {
  return mfaPage({ ...view, action: selfServicePages.resetPassword, lead: 'reset.mfaLead' });
}
