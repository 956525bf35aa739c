import { html, type SafeHtml } from './html.js';
import { CSRF_FIELD } from './csrf.js';
import { signInLinks } from './self-service/views.js';
import { claimNames, type SharedClaim } from './shared-claims.js';

/** The authorization request, carried from form to form unchanged (RFC 6749 §4.1.1 names). */
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
    | 'request_uri',
    string
  >
>;

function hiddenFields(params: FlowParams, csrf: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
    ${Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value ?? ''}" />`)}`;
}

function problem(message: string | undefined): SafeHtml | string {
  return message ? html`<div class="error" role="alert" id="form-error">${message}</div>` : '';
}

export function signInPage(view: {
  params: FlowParams;
  application: string;
  /** OpenID Connect login_hint: the e-mail address to offer. */
  loginHint?: string | undefined;
  csrf: string;
  error?: string | undefined;
  /** Link to the hosted sign-up page (REGISTRATION_ENABLED). */
  signUp?: boolean;
}) {
  const described = view.error ? 'form-error' : undefined;
  return html`<h1>Sign in</h1>
    <p class="lead">to continue to <strong>${view.application}</strong></p>
    ${problem(view.error)}
    <form method="post" action="/oauth/authorize" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      <input type="hidden" name="action" value="sign_in" />
      <label for="email">E-mail address</label>
      <input
        id="email"
        name="email"
        type="email"
        autocomplete="username"
        value="${view.loginHint ?? ''}"
        required
        autofocus${described ? html` aria-describedby="${described}"` : ''}
      />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit">Sign in</button>
    </form>
    ${signInLinks(view.params, view.signUp ?? false)}`;
}

export function mfaPage(view: { params: FlowParams; ticket: string; csrf: string; error?: string | undefined }) {
  return html`<h1>Two-step verification</h1>
    <p class="lead">Enter the 6-digit code from your authenticator app, or one of your 8-digit backup codes.</p>
    ${problem(view.error)}
    <form method="post" action="/oauth/authorize" novalidate>
      ${hiddenFields(view.params, view.csrf)}
      <input type="hidden" name="action" value="mfa" />
      <input type="hidden" name="mfa_ticket" value="${view.ticket}" />
      <label for="code">Authentication code</label>
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
      <button type="submit">Verify</button>
    </form>`;
}

/** The list of what an OpenID Connect application learns, and the field that says what was shown. */
function sharedList(application: string, shared: readonly SharedClaim[] | undefined): SafeHtml | string {
  if (!shared) return '';
  return html`<p id="claims-heading">${application} will learn about you:</p>
    <ul class="scopes claims" aria-labelledby="claims-heading">
      ${shared.map((line) =>
        line.value
          ? html`<li data-claim="${line.name}">${line.label}: <strong>${line.value}</strong></li>`
          : html`<li data-claim="${line.name}">${line.label}</li>`,
      )}
    </ul>`;
}

export function consentPage(view: {
  params: FlowParams;
  application: string;
  description: string | undefined;
  scopes: readonly { name: string; description: string }[];
  /** OpenID Connect: exactly what approving shares (undefined without scope openid). */
  shared: readonly SharedClaim[] | undefined;
  email: string;
  csrf: string;
}) {
  return html`<h1>Allow ${view.application}?</h1>
    <p class="lead">${view.description ?? `${view.application} asks for access to your account.`}</p>
    <p id="scopes-heading">If you allow it, ${view.application} may:</p>
    <ul class="scopes" aria-labelledby="scopes-heading">
      ${view.scopes.map((scope) => html`<li>${scope.description}</li>`)}
    </ul>
    ${sharedList(view.application, view.shared)}
    <form method="post" action="/oauth/authorize">
      ${hiddenFields(view.params, view.csrf)}
      <input type="hidden" name="claims" value="${claimNames(view.shared).join(' ')}" />
      <button type="submit" name="action" value="approve">Allow</button>
      <button type="submit" name="action" value="deny" class="secondary">Deny</button>
    </form>
    <form method="post" action="/oauth/authorize" class="who">
      ${hiddenFields(view.params, view.csrf)} Signed in as <strong>${view.email}</strong>.
      <button type="submit" name="action" value="switch_account" class="secondary">Use another account</button>
    </form>`;
}

export function errorPage(title: string, message: string) {
  return html`<h1>${title}</h1>
    <div class="error" role="alert">${message}</div>
    <p class="lead">You can close this page and go back to the application.</p>`;
}
