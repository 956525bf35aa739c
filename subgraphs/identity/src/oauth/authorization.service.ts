import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { Principal, UserPrincipal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { OAuthApplication } from './application.entity.js';
import { isApplicationSession } from './application-sessions.js';
import { AuthorizationCode } from './authorization-code.entity.js';
import { mintOpaqueToken } from './client-credentials.js';
import { ApplicationConsent } from './consent.entity.js';
import { oauthError, type OAuthErrorCode } from './oauth-error.js';
import { checkChallenge } from './pkce.js';
import { isRegisteredRedirectUri, redirectWith } from './redirect-uri.js';
import { claimsOfScopes } from '../../../../lib/oidc/claims.js';
import { APPLICATION_SCOPES, covers, parseScope, widen, type ApplicationScope } from './scopes.js';

/** OIDC Core §3.1.2.1's prompt values; `select_account` is met by the pages' "Use another account". */
const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'];

/** RFC 6749 §4.1.2 recommends at most ten minutes; a code is exchanged within seconds. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

export interface AuthorizationRequest {
  readonly responseType?: string | null;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope?: string | null;
  readonly state?: string | null;
  readonly codeChallenge?: string | null;
  readonly codeChallengeMethod?: string | null;
  /** OpenID Connect: echoed in the ID token. */
  readonly nonce?: string | null;
  /**
   * OpenID Connect: the profile claims the consent page showed (and so the user allows). Absent: every
   * claim the scopes name (seed 004's POST endpoint, where the call itself is the consent).
   */
  readonly claims?: readonly string[] | null;
  /** OIDC Core §3.1.2.1: none, login, consent, select_account (space-separated). */
  readonly prompt?: string | null;
  /** OIDC Core §3.1.2.1: seconds since the sign-in beyond which the user must sign in again. */
  readonly maxAge?: string | null;
  /** OIDC Core §6: request objects are not supported; a request carrying one is refused, not half-read. */
  readonly request?: string | null;
  readonly requestUri?: string | null;
  /** The user refused on the consent page: the application hears `access_denied`. */
  readonly denied?: boolean | null;
}

/** Where to send the browser: the redirect URI with a code, or with a redirectable error. */
export interface AuthorizationOutcome {
  readonly redirectTo: string;
  readonly code: string | null;
  readonly state: string | null;
  readonly error: OAuthErrorCode | null;
  readonly errorDescription: string | null;
}

/** What a consent page shows before the user decides. */
export interface AuthorizationPrompt {
  readonly application: OAuthApplication;
  readonly redirectUriRegistered: boolean;
  readonly requestedScopes: readonly { readonly name: ApplicationScope; readonly description: string }[];
  readonly unknownScopes: readonly string[];
  readonly alreadyAuthorized: boolean;
  /** The profile claims the signed-in caller's consent already covers (OpenID Connect). */
  readonly consentedClaims: readonly string[];
  /**
   * Set when the request cannot be approved whatever the user does (response_type, PKCE, scope):
   * the browser goes back at once with the error, before any sign-in or consent page.
   */
  readonly refusal: AuthorizationOutcome | null;
}

/** A request's checked parameters, or the redirectable error (RFC 6749 §4.1.2.1) that refuses it. */
type CheckedRequest =
  | {
      readonly ok: true;
      readonly scopes: ApplicationScope[];
      readonly challenge: string | null;
      readonly prompt: ReadonlySet<string>;
      readonly maxAge: number | null;
    }
  | { readonly ok: false; readonly error: OAuthErrorCode; readonly description: string };

export function findActiveApplication(em: EntityManager, clientId: string): Promise<OAuthApplication | null> {
  return em.findOne(OAuthApplication, { clientId, deletedAt: null });
}

/**
 * The authorization endpoint's rules (RFC 6749 §4.1.1, RFC 7636, RFC 9207). An unknown client or an
 * unregistered redirect URI is answered to the user and never redirected; every later problem is
 * redirected to the application with `error`, `state` and `iss`.
 */
export class AuthorizationService {
  constructor(private readonly issuer: string) {}

  async prompt(
    em: EntityManager,
    principal: Principal,
    request: Omit<AuthorizationRequest, 'denied'>,
  ): Promise<AuthorizationPrompt | null> {
    const application = await findActiveApplication(em, request.clientId);
    if (!application) return null;
    const { scopes, unknown } = parseScope(request.scope);
    const consent =
      principal.kind === 'user' && unknown.length === 0
        ? await em.findOne(ApplicationConsent, { user: principal.userId, application: application.id })
        : null;
    const redirectUriRegistered = isRegisteredRedirectUri(application.redirectUris, request.redirectUri);
    const checked = redirectUriRegistered ? this.check(application, request) : null;
    return {
      application,
      redirectUriRegistered,
      requestedScopes: scopes.map((name) => ({ name, description: APPLICATION_SCOPES[name] })),
      unknownScopes: unknown,
      alreadyAuthorized: consent !== null && covers(consent.scopes, scopes),
      consentedClaims: consent?.claims ?? [],
      refusal: checked && !checked.ok ? this.refusal(request, checked.error, checked.description) : null,
    };
  }

  /** Approves the request as `user` (consent given by calling): records the consent and issues a code. */
  async authorize(
    em: EntityManager,
    user: UserPrincipal,
    request: AuthorizationRequest,
    origin: RequestOrigin,
  ): Promise<AuthorizationOutcome> {
    try {
      return await this.authorizeOnce(em, user, request, origin);
    } catch (error) {
      // Two first approvals racing (a double click): the loser finds the winner's consent.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      return this.authorizeOnce(em.fork(), user, request, origin);
    }
  }

  private async authorizeOnce(
    em: EntityManager,
    user: UserPrincipal,
    request: AuthorizationRequest,
    origin: RequestOrigin,
  ): Promise<AuthorizationOutcome> {
    const application = await findActiveApplication(em, request.clientId);
    if (!application)
      throw oauthError('invalid_request', 'client_id is not a registered client', { parameter: 'client_id' });
    if (!isRegisteredRedirectUri(application.redirectUris, request.redirectUri)) {
      throw oauthError('invalid_request', 'redirect_uri is not registered for this client', {
        parameter: 'redirect_uri',
      });
    }
    if (await isApplicationSession(em, user.sessionId)) {
      throw new AppError('FORBIDDEN', "An application's token cannot approve authorizations");
    }
    if (request.denied) return this.refusal(request, 'access_denied', 'The user denied the request');
    const checked = this.check(application, request);
    if (!checked.ok) return this.refusal(request, checked.error, checked.description);
    const { scopes, challenge } = checked;
    const named = claimsOfScopes(scopes);
    const claims = request.claims ? named.filter((claim) => request.claims?.includes(claim)) : named;
    // OIDC Core §3.1.2.3: the sign-in must be recent enough, or have happened for this very request
    // (the hosted pages take `login` out once they have signed the person in again).
    const signedInAgo = Math.floor(Date.now() / 1000) - user.authTime;
    if (checked.prompt.has('login') || (checked.maxAge !== null && signedInAgo > checked.maxAge)) {
      return this.refusal(request, 'login_required', 'The user must sign in again');
    }
    if (checked.prompt.has('none')) {
      const consent = await em.findOne(ApplicationConsent, { user: user.userId, application: application.id });
      if (!consent || !covers(consent.scopes, scopes) || !covers(consent.claims, claims)) {
        return this.refusal(request, 'consent_required', 'The user has not consented to this request');
      }
    }

    await this.recordConsent(em, user, application, scopes, claims, origin);
    const code = mintOpaqueToken();
    em.create(AuthorizationCode, {
      codeHash: code.hash,
      application,
      user: user.userId,
      approvedIn: user.sessionId,
      redirectUri: request.redirectUri,
      scopes,
      codeChallenge: challenge,
      nonce: request.nonce ?? null,
      claims,
      expiresAt: new Date(Date.now() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
    });
    await em.flush();
    const state = request.state ?? null;
    return {
      redirectTo: redirectWith(request.redirectUri, { code: code.token, state, iss: this.issuer }),
      code: code.token,
      state,
      error: null,
      errorDescription: null,
    };
  }

  /**
   * What the user's decision cannot change, checked in the order RFC 6749 §4.1.2.1 lists the errors:
   * response_type, then PKCE (RFC 7636 §4.4.1; public clients must send a challenge), then scope.
   */
  private check(application: OAuthApplication, request: Omit<AuthorizationRequest, 'denied'>): CheckedRequest {
    if (!request.responseType) return { ok: false, error: 'invalid_request', description: 'response_type is required' };
    if (request.responseType !== 'code') {
      return { ok: false, error: 'unsupported_response_type', description: 'Only response_type=code is supported' };
    }
    const pkce = checkChallenge(
      request.codeChallenge,
      request.codeChallengeMethod,
      application.clientType === 'public',
    );
    if (!pkce.ok) return { ok: false, error: 'invalid_request', description: pkce.description };
    if (request.request) {
      return { ok: false, error: 'request_not_supported', description: 'Request objects are not supported' };
    }
    if (request.requestUri) {
      return { ok: false, error: 'request_uri_not_supported', description: 'request_uri is not supported' };
    }
    const { scopes, unknown } = parseScope(request.scope);
    if (unknown.length > 0) {
      return { ok: false, error: 'invalid_scope', description: `Unknown scope: ${unknown.join(' ')}` };
    }
    const prompt = new Set((request.prompt ?? '').split(' ').filter(Boolean));
    const unknownPrompt = [...prompt].filter((value) => !PROMPT_VALUES.includes(value));
    if (unknownPrompt.length > 0) {
      return { ok: false, error: 'invalid_request', description: `Unsupported prompt: ${unknownPrompt.join(' ')}` };
    }
    if (prompt.has('none') && prompt.size > 1) {
      return { ok: false, error: 'invalid_request', description: 'prompt=none cannot be combined with other values' };
    }
    if (request.maxAge != null && !/^\d{1,9}$/.test(request.maxAge)) {
      return { ok: false, error: 'invalid_request', description: 'max_age must be a number of seconds' };
    }
    const maxAge = request.maxAge != null ? Number(request.maxAge) : null;
    return { ok: true, scopes, challenge: pkce.challenge, prompt, maxAge };
  }

  /** The redirect that refuses a request: error, error_description, state and iss (RFC 9207). */
  private refusal(
    request: Pick<AuthorizationRequest, 'redirectUri' | 'state'>,
    error: OAuthErrorCode,
    description: string,
  ): AuthorizationOutcome {
    const state = request.state ?? null;
    return {
      redirectTo: redirectWith(request.redirectUri, { error, error_description: description, state, iss: this.issuer }),
      code: null,
      state,
      error,
      errorDescription: description,
    };
  }

  /** A first consent, or one that grows, is an `application.authorized` event; a repeat is not. */
  private async recordConsent(
    em: EntityManager,
    user: UserPrincipal,
    application: OAuthApplication,
    scopes: readonly ApplicationScope[],
    claims: readonly string[],
    origin: RequestOrigin,
  ): Promise<void> {
    const consent = await em.findOne(ApplicationConsent, { user: user.userId, application: application.id });
    if (consent && covers(consent.scopes, scopes)) {
      // Claims shown anew on a consent page widen what it covers; that is no new authorization.
      if (!covers(consent.claims, claims)) consent.claims = [...new Set([...consent.claims, ...claims])];
      return;
    }
    if (consent) {
      consent.scopes = widen(consent.scopes, scopes);
      consent.claims = [...new Set([...consent.claims, ...claims])];
      consent.authorizedAt = new Date();
    } else {
      em.create(ApplicationConsent, { user: user.userId, application, scopes: [...scopes], claims: [...claims] });
    }
    recordEvent(em, {
      type: 'application.authorized',
      tenantId: user.tenantId,
      actorUserId: user.userId,
      subjectUserId: user.userId,
      origin,
      payload: { applicationId: application.id, name: application.name, scopes: consent?.scopes ?? [...scopes] },
    });
  }
}
