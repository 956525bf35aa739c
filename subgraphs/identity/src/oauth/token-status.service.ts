import type { AccessTokenVerifier } from '../../../../lib/auth/access-token.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { type Session } from '../session/session.entity.js';
import type { SessionService } from '../session/session.service.js';
import { ApplicationRefreshToken, ApplicationSession } from './application-session.entity.js';
import type { OAuthApplication } from './application.entity.js';
import { authenticateClient, type ClientCredentialsInput } from './client-authentication.js';
import { hashOpaqueToken } from './client-credentials.js';

/** A revocation (RFC 7009) or introspection (RFC 7662) request: the client's credentials and a token. */
export interface TokenStatusRequest extends ClientCredentialsInput {
  readonly token: string;
  /** `access_token` or `refresh_token`: which kind to look for first; either is found whatever it says. */
  readonly tokenTypeHint?: string | null;
}

/** RFC 7662 §2.2: `active: false` says nothing more. */
export interface TokenIntrospection {
  readonly active: boolean;
  readonly tokenType?: 'access_token' | 'refresh_token';
  readonly scope?: string;
  readonly clientId?: string;
  readonly sub?: string;
  readonly sid?: string;
  readonly exp?: number;
  readonly iat?: number;
}

/** One of the client's own tokens, and the session (the grant) it belongs to. */
interface FoundToken {
  readonly kind: 'access_token' | 'refresh_token';
  readonly session: Session;
  readonly active: boolean;
  readonly scopes: readonly string[];
  readonly userId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * RFC 7009 revocation and RFC 7662 introspection of an application's own tokens. A token of another
 * client is treated as no token at all: revoking it does nothing, introspecting it answers
 * `active: false`, so a client learns nothing of tokens it was not issued.
 */
export class TokenStatusService {
  constructor(
    private readonly sessions: SessionService,
    private readonly accessTokens: AccessTokenVerifier,
  ) {}

  /**
   * Ends the grant the token belongs to: its session, so every access and refresh token of it stops
   * working at once (an access token cannot be ended alone: the gateway refuses by session). Unknown,
   * expired, rotated or foreign tokens are answered alike, with nothing done (RFC 7009 §2.2).
   */
  async revoke(em: EntityManager, request: TokenStatusRequest): Promise<void> {
    const application = await authenticateClient(em, request);
    await em.transactional(async (tx) => {
      const found = await this.find(tx, application, request);
      if (found?.active) await this.sessions.revokeSession(tx, found.session, 'token_revoked');
    });
  }

  /** RFC 7662 for confidential clients: what the token is, if it is theirs and still good. */
  async introspect(em: EntityManager, request: TokenStatusRequest): Promise<TokenIntrospection> {
    const application = await authenticateClient(em, request, { confidentialOnly: true });
    const found = await this.find(em, application, request);
    if (!found?.active) return { active: false };
    return {
      active: true,
      tokenType: found.kind,
      scope: found.scopes.join(' '),
      clientId: application.clientId,
      sub: found.userId,
      sid: found.session.id,
      exp: epoch(found.expiresAt),
      iat: epoch(found.issuedAt),
    };
  }

  private async find(
    em: EntityManager,
    application: OAuthApplication,
    request: TokenStatusRequest,
  ): Promise<FoundToken | undefined> {
    const asRefresh = () => this.refreshToken(em, application, request.token);
    const asAccess = () => this.accessToken(em, application, request.token);
    const [first, second] = request.tokenTypeHint === 'access_token' ? [asAccess, asRefresh] : [asRefresh, asAccess];
    return (await first()) ?? (await second());
  }

  private async refreshToken(
    em: EntityManager,
    application: OAuthApplication,
    token: string,
  ): Promise<FoundToken | undefined> {
    const row = await em.findOne(
      ApplicationRefreshToken,
      { tokenHash: hashOpaqueToken(token) },
      { populate: ['grant', 'grant.session'] },
    );
    if (!row) return undefined;
    const grant = row.grant.getEntity();
    if (grant.application.id !== application.id) return undefined;
    const session = grant.session.getEntity();
    const now = new Date();
    return {
      kind: 'refresh_token',
      session,
      // A rotated token is spent: only the grant's current one is active.
      active: !row.usedAt && row.expiresAt > now && !this.sessions.hasEnded(session, now),
      scopes: grant.scopes,
      userId: grant.user.id,
      issuedAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
  }

  private async accessToken(
    em: EntityManager,
    application: OAuthApplication,
    token: string,
  ): Promise<FoundToken | undefined> {
    // Signature, issuer, audience (an ID token is not one) and expiry, as every verifier checks them.
    const principal = await this.accessTokens.verify(token).catch(() => undefined);
    if (principal?.kind !== 'user' || principal.clientId !== application.clientId) return undefined;
    const grant = await em.findOne(ApplicationSession, { session: principal.sessionId }, { populate: ['session'] });
    if (!grant || grant.application.id !== application.id) return undefined;
    const session = grant.session.getEntity();
    return {
      kind: 'access_token',
      session,
      active: !this.sessions.hasEnded(session, new Date()),
      scopes: principal.scopes,
      userId: principal.userId,
      // Its own `iat`: a token of a session near its end expires sooner than usual, so `exp` less
      // the usual lifetime is not its issue.
      issuedAt: new Date(principal.issuedAt * 1000),
      expiresAt: new Date(principal.expiresAt * 1000),
    };
  }
}
