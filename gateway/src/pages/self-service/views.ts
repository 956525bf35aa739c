import { selfServicePages } from '../../../../lib/auth/self-service-pages.js';
import { CSRF_FIELD } from '../csrf.js';
import { html, type SafeHtml } from '../html.js';
import type { FlowParams } from '../views.js';
import { selfServiceTexts as texts } from './texts.js';

/** The authorization request a sign-in page came with, so "Back to sign in" returns to it. */
function flowQuery(params: FlowParams): string {
  return new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => !!entry[1]),
  ).toString();
}

function hiddenFields(params: FlowParams, csrf: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
    ${Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value ?? ''}" />`)}`;
}

function problem(message: string | undefined): SafeHtml | string {
  return message ? html`<div class="error" role="alert" id="form-error">${message}</div>` : '';
}

/** Back to the sign-in page of the flow the person came from; nothing when they came from a mail. */
function backToSignIn(params: FlowParams): SafeHtml | string {
  return params.client_id
    ? html`<p class="who"><a href="/oauth/authorize?${flowQuery(params)}">${texts.forgot.backToSignIn}</a></p>`
    : '';
}

/** A page that only says something: a link's outcome, a mail sent, a refusal. */
export function noticePage(view: {
  title: string;
  message: string;
  alert?: boolean;
  params?: FlowParams;
  askAgain?: boolean;
}) {
  return html`<h1>${view.title}</h1>
    ${view.alert ? html`<div class="error" role="alert">${view.message}</div>` : html`<p class="lead" role="status">${view.message}</p>`}
    ${view.askAgain ? html`<p class="who"><a href="${selfServicePages.forgotPassword}">${texts.reset.askAgain}</a></p>` : ''}
    ${backToSignIn(view.params ?? {})}`;
}

/** The sign-in page's links, carrying its authorization request: reset, and sign-up when open. */
export function signInLinks(params: FlowParams, signUp: boolean): SafeHtml {
  const query = flowQuery(params);
  const suffix = query ? `?${query}` : '';
  return html`<p class="who">
    <a href="${selfServicePages.forgotPassword}${suffix}">${texts.signIn.forgotPassword}</a>
    ${signUp ? html` · <a href="${selfServicePages.signUp}${suffix}">${texts.signIn.createAccount}</a>` : ''}
  </p>`;
}

export function signUpPage(view: {
  params: FlowParams;
  csrf: string;
  email?: string;
  displayName?: string;
  error?: string;
}) {
  const described = view.error ? html` aria-describedby="form-error"` : '';
  return html`<h1>${texts.signUp.title}</h1>
    <p class="lead">${texts.signUp.lead}</p>
    ${problem(view.error)}
    <form method="post" action="${selfServicePages.signUp}" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      <label for="email">${texts.signUp.emailLabel}</label>
      <input
        id="email"
        name="email"
        type="email"
        autocomplete="username"
        value="${view.email ?? ''}"
        required
        autofocus${described}
      />
      <label for="password">${texts.signUp.passwordLabel}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="new-password"
        aria-describedby="password-hint"
        required
      />
      <p id="password-hint" class="hint">${texts.signUp.passwordHint}</p>
      <label for="display_name">${texts.signUp.nameLabel}</label>
      <input id="display_name" name="display_name" type="text" autocomplete="name" value="${view.displayName ?? ''}" />
      <button type="submit">${texts.signUp.submit}</button>
    </form>
    ${backToSignIn(view.params)}`;
}

export function forgotPasswordPage(view: { params: FlowParams; csrf: string; email?: string; error?: string }) {
  return html`<h1>${texts.forgot.title}</h1>
    <p class="lead">${texts.forgot.lead}</p>
    ${problem(view.error)}
    <form method="post" action="${selfServicePages.forgotPassword}" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      <label for="email">${texts.forgot.emailLabel}</label>
      <input
        id="email"
        name="email"
        type="email"
        autocomplete="username"
        value="${view.email ?? ''}"
        required
        autofocus${view.error ? html` aria-describedby="form-error"` : ''}
      />
      <button type="submit">${texts.forgot.submit}</button>
    </form>
    ${backToSignIn(view.params)}`;
}

export function resetPasswordPage(view: { token: string; csrf: string; error?: string }) {
  return html`<h1>${texts.reset.title}</h1>
    <p class="lead">${texts.reset.lead}</p>
    ${problem(view.error)}
    <form method="post" action="${selfServicePages.resetPassword}" novalidate>
      ${hiddenFields({}, view.csrf)}
      <input type="hidden" name="action" value="reset" />
      <input type="hidden" name="token" value="${view.token}" />
      <label for="password">${texts.reset.passwordLabel}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="new-password"
        required
        autofocus${view.error ? html` aria-describedby="form-error"` : ''}
      />
      <button type="submit">${texts.reset.submit}</button>
    </form>`;
}

/** The second factor after a reset: the password is set, the sign-in waits for the code. */
export function resetSecondFactorPage(view: { ticket: string; csrf: string; error?: string }) {
  return html`<h1>${texts.reset.mfaTitle}</h1>
    <p class="lead">${texts.reset.mfaLead}</p>
    ${problem(view.error)}
    <form method="post" action="${selfServicePages.resetPassword}" novalidate>
      ${hiddenFields({}, view.csrf)}
      <input type="hidden" name="action" value="mfa" />
      <input type="hidden" name="mfa_ticket" value="${view.ticket}" />
      <label for="code">${texts.reset.codeLabel}</label>
      <input
        id="code"
        name="code"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9 -]{6,10}"
        maxlength="10"
        required
        autofocus
      />
      <button type="submit">${texts.reset.verify}</button>
    </form>`;
}
