import { LockMode } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../../../lib/auth/access-token.js';
import type { RefreshTokenTags } from '../../../../lib/auth/refresh-token-tag.js';
import type { RevocationFeedEntry, SessionRevocations } from '../../../../lib/auth/revocation.js';
import { afterCommit } from '../../../../lib/db/after-commit.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { UserAccount } from '../user/user.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Session } from './session.entity.js';

/** By default a session ends 30 days after sign-in, however often it is refreshed. */
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600_000;
/** By default a session not refreshed for 7 days ends. */
export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
/**
 * A token presented again within this long after its rotation is taken for the same client racing
 * itself (two tabs refreshing at once): refused, but the family lives. Later, it is reuse.
 */
export const CONCURRENT_USE_WINDOW_MS = 2_000;
/** Revocations are kept until every access token of the session has expired (plus clock skew). */
const REVOCATION_HORIZON_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 60;
/** The most sessions one answer of the revocation feed lists (a follower asks again from the last). */
export const REVOCATION_FEED_PAGE = 10_000;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface SessionLifetimes {
  /** From sign-in to the end, however often the session is refreshed. */
  readonly absoluteMs: number;
  /** Without a refresh for this long, the session ends. */
  readonly idleMs: number;
}

export interface RotatedSession {
  readonly session: Session;
  readonly account: UserAccount;
  readonly refreshToken: string;
}

export type RenewedSession = Omit<RotatedSession, 'refreshToken'>;

const sessionEnded = () => new AppError('INVALID_TOKEN', 'The session has ended');

/**
 * Sessions and their refresh-token families. A family's newest token is the session's current one:
 * `rotate` (GraphQL refreshToken) trades it for a successor, `renew` (seed 004's refresh, which hands
 * out no new token) accepts it again. A token rotated away is reuse on both.
 */
export class SessionService {
  constructor(
    private readonly revocations: SessionRevocations,
    private readonly tags: RefreshTokenTags,
    readonly lifetimes: SessionLifetimes = { absoluteMs: SESSION_MAX_AGE_MS, idleMs: SESSION_IDLE_MS },
  ) {}

  /** When a session opened now ends at the latest. */
  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.lifetimes.absoluteMs);
  }

  /**
   * When a session that is signed into or refreshed `now` (either issues tokens, and counts for the
   * idle lifetime) ends unless it is refreshed again: its absolute end, or the idle lifetime from
   * now, whichever comes first. No access token issued now outlives it.
   */
  endsUnlessRefreshed(session: Pick<Session, 'expiresAt'>, now = new Date()): Date {
    return new Date(Math.min(session.expiresAt.getTime(), now.getTime() + this.lifetimes.idleMs));
  }

  /** Revoked, past its absolute end, or not refreshed for the idle lifetime. */
  hasEnded(session: Session, now: Date): boolean {
    return (
      Boolean(session.revokedAt) ||
      session.expiresAt <= now ||
      session.lastUsedAt.getTime() + this.lifetimes.idleMs <= now.getTime()
    );
  }

  /** A new refresh token of `sessionId` (first-party or an application's): it names its session. */
  mintRefreshToken(sessionId: string): string {
    return this.tags.mint(sessionId);
  }

  /** Opens a session in `em`'s unit of work and returns its first refresh token. */
  open(em: EntityManager, account: UserAccount, amr: string[], origin: RequestOrigin) {
    const now = new Date();
    const session = em.create(Session, {
      user: account,
      amr,
      authTime: now,
      lastUsedAt: now,
      expiresAt: this.expiryFrom(now),
      ipAddress: origin.ipAddress,
      userAgent: origin.userAgent,
    });
    const refreshToken = this.issueRefreshToken(em, session);
    return { session, refreshToken };
  }

  /**
   * Trades a refresh token for its successor. A token already rotated is reuse: the whole family
   * (session) is revoked. Of concurrent uses of one token exactly one wins; the others are refused
   * without revoking (see CONCURRENT_USE_WINDOW_MS).
   */
  async rotate(em: EntityManager, presented: string, origin: RequestOrigin): Promise<RotatedSession> {
    const tokenHash = hashRefreshToken(presented);
    // One transaction holding the token's row: the claim and the successor commit together (a
    // failed write cannot leave the client with a spent token and no successor), and a concurrent
    // use of the same token waits, then finds it used.
    const outcome = await em.transactional(async (tx): Promise<RotatedSession | AppError> => {
      const row = await tx.findOne(RefreshToken, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw new AppError('INVALID_TOKEN', 'The refresh token is invalid');
      await tx.populate(row, ['session', 'session.user', 'session.user.tenant']);
      const session = row.session.getEntity();
      const account = session.user.getEntity();
      const now = new Date();
      if (row.usedAt) return this.rotatedAway(tx, row.usedAt, session, account, origin, now);
      if (this.hasEnded(session, now) || row.expiresAt <= now || !account.isActive) throw sessionEnded();
      row.usedAt = now;
      session.lastUsedAt = now;
      return { session, account, refreshToken: this.issueRefreshToken(tx, session) };
    });
    if (outcome instanceof AppError) throw outcome;
    return outcome;
  }

  /**
   * seed 004's refresh: the session's current token stays valid (the legacy response carries no
   * successor), so this neither rotates nor locks it, and concurrent renewals all succeed. It still
   * counts as a refresh for the idle lifetime. A token that GraphQL or /oauth/token rotated away is
   * reuse here as well.
   */
  async renew(em: EntityManager, presented: string, origin: RequestOrigin): Promise<RenewedSession> {
    const row = await em.findOne(
      RefreshToken,
      { tokenHash: hashRefreshToken(presented) },
      { populate: ['session', 'session.user', 'session.user.tenant'] },
    );
    if (!row) throw new AppError('INVALID_TOKEN', 'The refresh token is invalid');
    const session = row.session.getEntity();
    const account = session.user.getEntity();
    const now = new Date();
    // Rotated away by GraphQL or /oauth/token: rotate() refuses it, as reuse (ending the session)
    // once the race window has passed. usedAt is never cleared, so it cannot rotate it a second time.
    if (row.usedAt) return this.rotate(em, presented, origin);
    if (this.hasEnded(session, now) || row.expiresAt <= now || !account.isActive) throw sessionEnded();
    // Liveness re-checked in the same statement that records the refresh: a logout or an idle end
    // committed since the read above is not undone by this refresh.
    const touched = await em.nativeUpdate(
      Session,
      {
        id: session.id,
        revokedAt: null,
        expiresAt: { $gt: now },
        lastUsedAt: { $gt: new Date(now.getTime() - this.lifetimes.idleMs) },
      },
      { lastUsedAt: now },
    );
    if (touched === 0) throw sessionEnded();
    return { session, account };
  }

  /**
   * A token presented after its rotation: within the race window only this request is refused;
   * later it is reuse, and the whole session ends (the refusal is returned so that the revocation
   * commits before it is thrown).
   */
  private async rotatedAway(
    tx: EntityManager,
    usedAt: Date,
    session: Session,
    account: UserAccount,
    origin: RequestOrigin,
    now: Date,
  ): Promise<AppError> {
    if (now.getTime() - usedAt.getTime() < CONCURRENT_USE_WINDOW_MS) {
      throw new AppError('INVALID_TOKEN', 'The refresh token was already used');
    }
    await this.revokeSession(tx, session, 'refresh_token_reuse');
    recordEvent(tx, {
      type: 'session.refresh_reuse_detected',
      tenantId: account.tenant.id,
      subjectUserId: account.id,
      origin,
      payload: { sessionId: session.id },
    });
    return new AppError('INVALID_TOKEN', 'The refresh token was already used; the session has been ended');
  }

  /** Ends one session: its refresh tokens stop working and the gateway refuses its access tokens. */
  async revokeSession(em: EntityManager, session: Session, reason: string): Promise<void> {
    if (!session.revokedAt) {
      session.revokedAt = new Date();
      session.revokedReason = reason;
    }
    this.publish(em, [session.id]);
  }

  /** Ends every live session of a user (optionally but one). Returns how many ended. */
  async revokeUserSessions(em: EntityManager, userId: string, reason: string, except?: string): Promise<number> {
    const live = await em.find(Session, {
      user: userId,
      revokedAt: null,
      expiresAt: { $gt: new Date() },
      ...(except ? { id: { $ne: except } } : {}),
    });
    const now = new Date();
    for (const session of live) {
      session.revokedAt = now;
      session.revokedReason = reason;
    }
    this.publish(
      em,
      live.map((s) => s.id),
    );
    return live.length;
  }

  /** Sessions revoked after `since`, for gateways that follow the feed instead of sharing Redis. */
  async revokedSince(em: EntityManager, since: Date): Promise<RevocationFeedEntry[]> {
    const sessions = await em.find(
      Session,
      { revokedAt: { $gt: since } },
      { orderBy: { revokedAt: 'asc' }, limit: REVOCATION_FEED_PAGE, fields: ['id', 'revokedAt'] },
    );
    return sessions.map((s) => ({
      sessionId: s.id,
      revokedAt: s.revokedAt!.toISOString(),
      until: Math.ceil(s.revokedAt!.getTime() / 1000) + REVOCATION_HORIZON_SECONDS,
    }));
  }

  private issueRefreshToken(em: EntityManager, session: Session): string {
    const token = this.mintRefreshToken(session.id);
    em.create(RefreshToken, { session, tokenHash: hashRefreshToken(token), expiresAt: session.expiresAt });
    return token;
  }

  /**
   * The database is the truth (the feed reads it): the shared store hears of an end only once it has
   * committed, so a rollback publishes nothing. Its own failure (Redis away) fails nothing either.
   */
  private publish(em: EntityManager, sessionIds: readonly string[]): void {
    afterCommit(em, async () => {
      const until = Math.ceil(Date.now() / 1000) + REVOCATION_HORIZON_SECONDS;
      await Promise.all(sessionIds.map((id) => this.revocations.revoke(id, until)));
    });
  }
}
