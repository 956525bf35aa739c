import { LockMode } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../../../lib/auth/access-token.js';
import type { RevocationFeedEntry, SessionRevocations } from '../../../../lib/auth/revocation.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { UserAccount } from '../user/user.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Session } from './session.entity.js';

/** A session ends 30 days after sign-in, however often it is refreshed. */
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600_000;
/**
 * A token presented again within this long after its rotation is taken for the same client racing
 * itself (two tabs refreshing at once): refused, but the family lives. Later, it is reuse.
 */
export const CONCURRENT_USE_WINDOW_MS = 2_000;
/** Revocations are kept until every access token of the session has expired (plus clock skew). */
const REVOCATION_HORIZON_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 60;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 256 random bits, URL-safe. */
function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface RotatedSession {
  readonly session: Session;
  readonly account: UserAccount;
  readonly refreshToken: string;
}

/** Sessions and their rotating refresh-token families. */
export class SessionService {
  constructor(private readonly revocations: SessionRevocations) {}

  /** Opens a session in `em`'s unit of work and returns its first refresh token. */
  open(em: EntityManager, account: UserAccount, amr: string[], origin: RequestOrigin) {
    const now = new Date();
    const session = em.create(Session, {
      user: account,
      amr,
      authTime: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_MS),
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
      if (row.usedAt && now.getTime() - row.usedAt.getTime() < CONCURRENT_USE_WINDOW_MS) {
        throw new AppError('INVALID_TOKEN', 'The refresh token was already used');
      }
      if (row.usedAt) {
        await this.revokeSession(tx, session, 'refresh_token_reuse');
        recordEvent(tx, {
          type: 'session.refresh_reuse_detected',
          tenantId: account.tenant.id,
          subjectUserId: account.id,
          origin,
          payload: { sessionId: session.id },
        });
        // Returned, not thrown: the revocation commits before the refusal.
        return new AppError('INVALID_TOKEN', 'The refresh token was already used; the session has been ended');
      }
      if (session.revokedAt || session.expiresAt <= now || row.expiresAt <= now || !account.isActive) {
        throw new AppError('INVALID_TOKEN', 'The session has ended');
      }
      row.usedAt = now;
      session.lastUsedAt = now;
      return { session, account, refreshToken: this.issueRefreshToken(tx, session) };
    });
    if (outcome instanceof AppError) throw outcome;
    return outcome;
  }

  /** Ends one session: its refresh tokens stop working and the gateway refuses its access tokens. */
  async revokeSession(em: EntityManager, session: Session, reason: string): Promise<void> {
    if (!session.revokedAt) {
      session.revokedAt = new Date();
      session.revokedReason = reason;
    }
    await this.publish([session.id]);
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
    await this.publish(live.map((s) => s.id));
    return live.length;
  }

  /** Sessions revoked after `since`, for gateways that follow the feed instead of sharing Redis. */
  async revokedSince(em: EntityManager, since: Date): Promise<RevocationFeedEntry[]> {
    const sessions = await em.find(
      Session,
      { revokedAt: { $gt: since } },
      { orderBy: { revokedAt: 'asc' }, limit: 10_000, fields: ['id', 'revokedAt'] },
    );
    return sessions.map((s) => ({
      sessionId: s.id,
      revokedAt: s.revokedAt!.toISOString(),
      until: Math.ceil(s.revokedAt!.getTime() / 1000) + REVOCATION_HORIZON_SECONDS,
    }));
  }

  private issueRefreshToken(em: EntityManager, session: Session): string {
    const token = newRefreshToken();
    em.create(RefreshToken, { session, tokenHash: hashRefreshToken(token), expiresAt: session.expiresAt });
    return token;
  }

  private async publish(sessionIds: readonly string[]): Promise<void> {
    const until = Math.ceil(Date.now() / 1000) + REVOCATION_HORIZON_SECONDS;
    await Promise.all(sessionIds.map((id) => this.revocations.revoke(id, until)));
  }
}
