import { LockMode } from '@mikro-orm/postgresql';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import { accessTokenHash } from '../openid/id-token.js';
import type { OpenIdReleaseService } from '../openid/openid-release.service.js';
import { Session } from '../session/session.entity.js';
import { CONCURRENT_USE_WINDOW_MS, type SessionService } from '../session/session.service.js';
import type { UserAccount } from '../user/user.entity.js';
import { ApplicationRefreshToken, ApplicationSession } from './application-session.entity.js';
import { type OAuthApplication } from './application.entity.js';
import { AuthorizationCode } from './authorization-code.entity.js';
import { authenticateClient } from './client-authentication.js';
import { hashOpaqueToken } from './client-credentials.js';
import { ApplicationConsent } from './consent.entity.js';
import { oauthError } from './oauth-error.js';
import { verifierMatches } from './pkce.js';
import { covers, parseScope } from './scopes.js';

/** A token request, whichever endpoint and client authentication method carried it. */
export interface TokenRequest {
  readonly grantType: string;
  readonly clientId?: string | null;
  readonly clientSecret?: string | null;
  readonly code?: string | null;
  readonly redirectUri?: string | null;
  readonly codeVerifier?: string | null;
  readonly refreshToken?: string | null;
  readonly scope?: string | null;
}

/** What a code exchange or a rotation committed; its access token is signed after the commit. */
interface IssuedGrant {
  readonly account: UserAccount;
  readonly session: Session;
  readonly scopes: readonly string[];
  readonly refreshToken: string;
  /** The profile claims the grant's approval covered (OpenID Connect). */
  readonly claims: readonly string[];
  /** The code's nonce (a code exchange only: OIDC Core §12.2 leaves it out of refreshed ID tokens). */
  readonly nonce?: string | null;
}

export interface IssuedApplicationTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly scopes: readonly string[];
  /**
   * OpenID Connect, when the granted scopes include `openid`: the sealed ticket of its ID token, which
   * is signed once member has said what the member's sharing flags let out (OpenIdRelease.idToken).
   */
  readonly openIdTicket: string | null;
  /** The application's registered browser origins (the token endpoint answers them with CORS). */
  readonly allowedOrigins: readonly string[];
}

/**
 * The token endpoint's rules (RFC 6749 §4.1.3, §6; RFC 7636 §4.6). Every failure is an OAuth error;
 * a replayed code or refresh token also ends the session it opened.
 */
export class TokenService {
  constructor(
    private readonly signingKeys: SigningKeyService,
    private readonly sessions: SessionService,
    private readonly releases: OpenIdReleaseService,
  ) {}

  async exchange(em: EntityManager, request: TokenRequest, origin: RequestOrigin): Promise<IssuedApplicationTokens> {
    const application = await authenticateClient(em, request);
    switch (request.grantType) {
      case 'authorization_code':
        return this.redeemCode(em, application, request, origin);
      case 'refresh_token':
        return this.refresh(em, application, request, origin);
      case '':
        throw oauthError('invalid_request', 'grant_type is required');
      default:
        throw oauthError('unsupported_grant_type', 'Supported grant types: authorization_code, refresh_token');
    }
  }

  /**
   * One transaction on one connection decides the exchange. The consent row is locked first (the
   * order ConsentService.revoke locks in), then the code row: of concurrent exchanges of one code the
   * first claims it and commits its session, grant and refresh token together; every other one waits
   * on the locks, finds the code used and revokes that committed session (RFC 6749 §4.1.2). A consent
   * revocation waits for an exchange in flight and then ends its session, or the exchange waits for
   * the revocation and finds the consent (and the code) gone.
   */
  private async redeemCode(
    em: EntityManager,
    application: OAuthApplication,
    request: TokenRequest,
    origin: RequestOrigin,
  ): Promise<IssuedApplicationTokens> {
    if (!request.code) throw oauthError('invalid_request', 'code is required');
    if (!request.redirectUri) throw oauthError('invalid_request', 'redirect_uri is required');
    const codeHash = hashOpaqueToken(request.code);
    const invalid = (why: string) => oauthError('invalid_grant', `The authorization code ${why}`);
    const outcome = await em.transactional(async (tx): Promise<IssuedGrant | AppError> => {
      // Whose code it is (that never changes) names the consent row to lock before the code row.
      const found = await tx.findOne(AuthorizationCode, { codeHash });
      if (!found) throw invalid('is invalid');
      const consent = await tx.findOne(
        ApplicationConsent,
        { user: found.user.id, application: found.application.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const row = await tx.findOne(
        AuthorizationCode,
        { id: found.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      // Voided by a consent revocation that committed while this waited.
      if (!row) throw invalid('is invalid');
      if (row.usedAt) {
        // RFC 6749 §4.1.2: a code used twice was leaked; what it bought is withdrawn. The exchange
        // that used it has committed (it held these locks), so its session is there to revoke.
        await this.revokeIssuedSession(tx, row, 'authorization_code_replay');
        return invalid('was already used; the tokens issued for it have been revoked');
      }
      const now = new Date();
      if (row.application.id !== application.id) throw invalid('was issued to another client');
      if (row.redirectUri !== request.redirectUri) throw invalid('was issued for another redirect_uri');
      if (row.expiresAt <= now) throw invalid('has expired');
      if (row.codeChallenge) {
        if (!request.codeVerifier || !verifierMatches(request.codeVerifier, row.codeChallenge)) {
          throw invalid('does not match the code_verifier');
        }
      } else if (request.codeVerifier) {
        // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
        throw invalid('was issued without a code_challenge');
      }
      await tx.populate(row, ['user', 'user.tenant', 'approvedIn']);
      const approvedIn = row.approvedIn.getEntity();
      if (approvedIn.revokedAt || approvedIn.expiresAt <= now) throw invalid('belongs to a session that has ended');
      const account = row.user.getEntity();
      if (!account.isActive) throw invalid('belongs to a disabled account');
      if (!consent || !covers(consent.scopes, row.scopes)) throw invalid('was issued under a withdrawn consent');

      const session = tx.create(Session, {
        user: account,
        amr: approvedIn.amr,
        authTime: approvedIn.authTime,
        lastUsedAt: now,
        expiresAt: this.sessions.expiryFrom(now),
        ipAddress: origin.ipAddress,
        userAgent: origin.userAgent,
      });
      row.usedAt = now;
      row.issuedSessionId = session.id;
      const grant = tx.create(ApplicationSession, {
        session,
        application,
        user: account,
        scopes: row.scopes,
        claims: row.claims,
      });
      const refreshToken = this.issueRefreshToken(tx, grant, session);
      consent.lastUsedAt = now;
      // Statistics count sign-ins per application from these.
      recordEvent(tx, {
        type: 'user.login',
        tenantId: account.tenant.id,
        actorUserId: account.id,
        subjectUserId: account.id,
        origin,
        payload: { applicationId: application.id, sessionId: session.id },
      });
      return { account, session, scopes: row.scopes, claims: row.claims, refreshToken, nonce: row.nonce ?? null };
    });
    // A replay's revocation is committed before it is refused.
    if (outcome instanceof AppError) throw outcome;
    return this.sign(application, outcome);
  }

  /**
   * Rotation in one transaction: the presented token's row is locked, so of concurrent uses one
   * rotates and the others wait and find it used; its successor is committed together with the claim.
   */
  private async refresh(
    em: EntityManager,
    application: OAuthApplication,
    request: TokenRequest,
    origin: RequestOrigin,
  ): Promise<IssuedApplicationTokens> {
    if (!request.refreshToken) throw oauthError('invalid_request', 'refresh_token is required');
    const tokenHash = hashOpaqueToken(request.refreshToken);
    const invalid = (why: string) => oauthError('invalid_grant', `The refresh token ${why}`);
    const outcome = await em.transactional(async (tx): Promise<IssuedGrant | AppError> => {
      const row = await tx.findOne(ApplicationRefreshToken, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw invalid('is invalid');
      await tx.populate(row, ['grant', 'grant.session', 'grant.user', 'grant.user.tenant']);
      const grant = row.grant.getEntity();
      const session = grant.session.getEntity();
      const account = grant.user.getEntity();
      // Not rotated: the rightful client may still hold it, and a stranger learns nothing from trying.
      if (grant.application.id !== application.id) throw invalid('was issued to another client');
      const now = new Date();
      if (row.usedAt) {
        if (now.getTime() - row.usedAt.getTime() < CONCURRENT_USE_WINDOW_MS) throw invalid('was already used');
        await this.sessions.revokeSession(tx, session, 'refresh_token_reuse');
        recordEvent(tx, {
          type: 'session.refresh_reuse_detected',
          tenantId: account.tenant.id,
          subjectUserId: account.id,
          origin,
          payload: { sessionId: session.id, applicationId: application.id },
        });
        return invalid('was already used; the session has been ended');
      }
      if (this.sessions.hasEnded(session, now) || row.expiresAt <= now || !account.isActive) {
        throw invalid('belongs to a session that has ended');
      }
      const scopes = this.narrowedScopes(grant.scopes, request.scope);
      row.usedAt = now;
      session.lastUsedAt = now;
      const refreshToken = this.issueRefreshToken(tx, grant, session);
      await tx.nativeUpdate(ApplicationConsent, { user: account.id, application: application.id }, { lastUsedAt: now });
      return { account, session, scopes, claims: grant.claims, refreshToken };
    });
    // A reuse's revocation is committed before it is refused.
    if (outcome instanceof AppError) throw outcome;
    return this.sign(application, outcome);
  }

  /** RFC 6749 §6: a refresh may ask for less than was granted, never for more. */
  private narrowedScopes(granted: readonly string[], requested: string | null | undefined): readonly string[] {
    if (!requested) return granted;
    const { scopes, unknown } = parseScope(requested);
    if (unknown.length > 0 || !covers(granted, scopes)) {
      throw oauthError('invalid_scope', 'The requested scope exceeds what was granted');
    }
    return scopes;
  }

  private async revokeIssuedSession(em: EntityManager, code: AuthorizationCode, reason: string): Promise<void> {
    if (!code.issuedSessionId) return;
    const session = await em.findOne(Session, { id: code.issuedSessionId });
    if (!session) return;
    await this.sessions.revokeSession(em, session, reason);
  }

  /** Tagged with its session like a first-party token, so the gateway can charge a refresh to it. */
  private issueRefreshToken(em: EntityManager, grant: ApplicationSession, session: Session): string {
    const token = this.sessions.mintRefreshToken(session.id);
    em.create(ApplicationRefreshToken, { grant, tokenHash: hashOpaqueToken(token), expiresAt: session.expiresAt });
    return token;
  }

  /**
   * Signed after the commit (the signing key is read on another connection). An application's
   * token never carries an administrator's role: it acts for the user as a plain user. With `openid`
   * an ID token goes with it (OIDC Core §3.1.3.3), for the same session: `sid` is the one its access
   * tokens carry, `at_hash` binds it to this access token.
   */
  private async sign(application: OAuthApplication, issued: IssuedGrant): Promise<IssuedApplicationTokens> {
    const { account, session, scopes } = issued;
    const access = await this.signingKeys.signAccessToken({
      userId: account.id,
      tenantId: account.tenant.id,
      role: 'USER',
      sessionId: session.id,
      scopes,
      amr: session.amr,
      authTime: Math.floor(session.authTime.getTime() / 1000),
      clientId: application.clientId,
      sessionEndsAt: this.sessions.endsUnlessRefreshed(session),
    });
    const openIdTicket = this.releases.ticketForTokens(
      {
        userId: account.id,
        clientId: application.clientId,
        sessionId: session.id,
        authTime: Math.floor(session.authTime.getTime() / 1000),
        amr: session.amr,
        nonce: issued.nonce ?? null,
        accessTokenHash: accessTokenHash(access.token),
        algorithm: application.idTokenSigningAlgorithm,
      },
      scopes,
      issued.claims,
    );
    return {
      accessToken: access.token,
      openIdTicket,
      refreshToken: issued.refreshToken,
      expiresIn: access.expiresIn,
      scopes,
      allowedOrigins: application.allowedOrigins,
    };
  }
}
