import type { MessageKey, Translate } from '../../../lib/i18n/catalog.js';
import { html, type SafeHtml } from './html.js';
import { CSRF_FIELD } from './csrf.js';
import { scopeDescription, textWithMarkup } from './locale.js';
import { claimNames, type SharedClaim } from './shared-claims.js';

/**
 * The authorization request, carried from form to form unchanged (RFC 6749 §4.1.1 names, and
 * OpenID Connect's `ui_locales`, which chooses the pages' language).
 */
export type FlowParams = Partial<
  Record<
    | 'response_type'
    | 'client_id'
    | 'redirect_uri'
    | 'scope'
    | 'state'
    | 'code_challenge'
    | 'code_challenge_method'
    | 'nonce'
    | 'prompt'
    | 'max_age'
    | 'login_hint'
    | 'request'
    | 'request_uri'
    | 'ui_locales',
    string
  >
>;

export function hiddenFields(params: FlowParams, csrf: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
    ${Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value ?? ''}" />`)}`;
}

/** The id of the text that says what is wrong with a form, for its fields' aria-describedby. */
export const FORM_ERROR_ID = 'form-error';

export function problem(message: string | undefined): SafeHtml | string {
  return message ? html`<div class="error" role="alert" id="${FORM_ERROR_ID}">${message}</div>` : '';
}

/**
 * The attributes that tie a field to the error text when the form was refused: screen readers read
 * the error with the field, and mark it invalid unless the refusal is not about what was typed (too
 * many attempts, say). `hint` is the id of the field's own hint, if any.
 */
export function fieldState(error: string | undefined, hint?: string, invalid = true): SafeHtml | string {
  const described = [error ? FORM_ERROR_ID : undefined, hint].filter(Boolean).join(' ');
  return html`${described ? html` aria-describedby="${described}"` : ''}${error && invalid ? html` aria-invalid="true"` : ''}`;
}

/**
 * The e-mail field of the sign-in, sign-up and forgotten-password forms: one label, name and
 * `autocomplete` for all, so password managers fill each alike. `attributes` end the input (focus,
 * fieldState), each with its leading space.
 */
export function emailField(t: Translate, value: string, attributes: SafeHtml | string): SafeHtml {
  return html`<label for="email">${t('page.emailLabel')}</label>
    <input id="email" name="email" type="email" autocomplete="username" value="${value}" required${attributes} />`;
}

/** A password field: `current-password` to sign in, `new-password` to choose one (sign-up, reset). */
export function passwordField(
  label: string,
  autocomplete: 'current-password' | 'new-password',
  attributes: SafeHtml | string,
): SafeHtml {
  return html`<label for="password">${label}</label>
    <input id="password" name="password" type="password" autocomplete="${autocomplete}" required${attributes} />`;
}

export function signInPage(view: {
  t: Translate;
  params: FlowParams;
  application: string;
  /** OpenID Connect login_hint: the e-mail address to offer. */
  loginHint?: string | undefined;
  csrf: string;
  /** What the member typed, kept after a refusal (never the password). */
  email?: string | undefined;
  error?: string | undefined;
  /** Whether the error is about what was typed (a wrong password), not the account or the rate. */
  invalid?: boolean | undefined;
  /** The links under the form (reset, and sign-up when open): self-service/views.ts signInLinks. */
  links: SafeHtml;
}) {
  const { t } = view;
  return html`<h1>${t('signIn.title')}</h1>
    <p class="lead">${textWithMarkup(t, 'signIn.lead', { application: html`<strong>${view.application}</strong>` })}</p>
    ${problem(view.error)}
    <form method="post" action="/oauth/authorize" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      <input type="hidden" name="action" value="sign_in" />
      ${emailField(
        t,
        view.email ?? view.loginHint ?? '',
        html`${view.email ? '' : html` autofocus`}${fieldState(view.error, undefined, view.invalid ?? false)}`,
      )}
      ${passwordField(
        t('page.passwordLabel'),
        'current-password',
        html`${view.email ? html` autofocus` : ''}${fieldState(view.error, undefined, view.invalid ?? false)}`,
      )}
      <button type="submit">${t('signIn.submit')}</button>
    </form>
    ${view.links}`;
}

export function mfaPage(view: {
  t: Translate;
  params: FlowParams;
  ticket: string;
  csrf: string;
  error?: string | undefined;
  /** Where the code goes and what the page says first: the authorization flow by default. */
  action?: string;
  lead?: MessageKey;
}) {
  const { t } = view;
  return html`<h1>${t('mfa.title')}</h1>
    <p class="lead">${t(view.lead ?? 'mfa.lead')}</p>
    ${problem(view.error)}
    <form method="post" action="${view.action ?? '/oauth/authorize'}" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      <input type="hidden" name="action" value="mfa" />
      <input type="hidden" name="mfa_ticket" value="${view.ticket}" />
      ${codeField(t, view.error)}
      <button type="submit">${t('page.verify')}</button>
    </form>`;
}

/** The list of what an OpenID Connect application learns, and the field that says what was shown. */
function sharedList(t: Translate, application: string, shared: readonly SharedClaim[] | undefined): SafeHtml | string {
  if (!shared) return '';
  const valueOf = (value: string | boolean) =>
    typeof value === 'boolean' ? t(value ? 'claim.yes' : 'claim.no') : value;
  return html`<p id="claims-heading">${t('consent.sharedHeading', { application })}</p>
    <ul class="scopes claims" aria-labelledby="claims-heading">
      ${shared.map((line) =>
        line.value === ''
          ? html`<li data-claim="${line.name}">${t(`claim.${line.name}`)}</li>`
          : html`<li data-claim="${line.name}">
              ${t(`claim.${line.name}`)}: <strong>${valueOf(line.value)}</strong>
            </li>`,
      )}
    </ul>`;
}

/** The second-factor code field (sign-in and reset alike). */
function codeField(t: Translate, error: string | undefined): SafeHtml {
  return html`<label for="code">${t('page.codeLabel')}</label>
    <input
      id="code"
      name="code"
      type="text"
      inputmode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9 -]{6,10}"
      maxlength="10"
      required
      autofocus${fieldState(error)}
    />`;
}

export function consentPage(view: {
  t: Translate;
  params: FlowParams;
  application: string;
  description: string | undefined;
  scopes: readonly { name: string; description: string }[];
  /** OpenID Connect: exactly what approving shares (undefined without scope openid). */
  shared: readonly SharedClaim[] | undefined;
  email: string;
  csrf: string;
}) {
  const { t } = view;
  const application = view.application;
  return html`<h1>${t('consent.title', { application })}</h1>
    <p class="lead">${view.description ?? t('consent.defaultDescription', { application })}</p>
    <p id="scopes-heading">${t('consent.scopesHeading', { application })}</p>
    <ul class="scopes" aria-labelledby="scopes-heading">
      ${view.scopes.map((scope) => html`<li>${scopeDescription(t, scope)}</li>`)}
    </ul>
    ${sharedList(t, view.application, view.shared)}
    <form method="post" action="/oauth/authorize">
      ${hiddenFields(view.params, view.csrf)}
      <input type="hidden" name="claims" value="${claimNames(view.shared).join(' ')}" />
      <button type="submit" name="action" value="approve">${t('consent.allow')}</button>
      <button type="submit" name="action" value="deny" class="secondary">${t('consent.deny')}</button>
    </form>
    <form method="post" action="/oauth/authorize" class="who">
      ${hiddenFields(view.params, view.csrf)}
      <p>${textWithMarkup(t, 'consent.signedInAs', { email: html`<strong>${view.email}</strong>` })}</p>
      <button type="submit" name="action" value="switch_account" class="secondary">
        ${t('consent.switchAccount')}
      </button>
    </form>`;
}

export function errorPage(t: Translate, title: string, message: string) {
  return html`<h1>${title}</h1>
    <div class="error" role="alert">${message}</div>
    <p class="lead">${t('page.closeAndReturn')}</p>`;
}
