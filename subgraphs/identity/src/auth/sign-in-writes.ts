import { randomUUID } from 'node:crypto';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { executePrepared, preparedStatement } from '../../../../lib/db/prepared.js';
import type { EventRecordOf } from '../../../../lib/events/record.js';
import { outboxWrittenBySql } from '../../../../lib/events/relay.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { hashRefreshToken, type SessionService } from '../session/session.service.js';
import type { Session } from '../session/session.entity.js';
import type { SignInAccount } from './login-throttle.js';

/** What an access token needs of the session a sign-in opened. */
export type OpenedSession = Pick<Session, 'id' | 'amr' | 'authTime' | 'expiresAt'>;

export interface SignInWrites {
  readonly session: OpenedSession;
  /** The session's first refresh token; only its SHA-256 is stored. */
  readonly refreshToken: string;
}

/** A PostgreSQL text[] literal: each element quoted, so no value can split or end the array. */
function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** The sign-in's writes as one statement. */
function signInWrite(schema: string): string {
  return `with signed_in as (
     update "${schema}"."user_account"
        set failed_login_count = 0, throttled_until = null, last_login_at = ?, updated_at = ?,
            password_hash = coalesce(?, password_hash)
      where id = ? and (?::text is null or xmin::text = ?)
      returning id
   ), opened as (
     insert into "${schema}"."session"
       (id, user_id, amr, auth_time, created_at, last_used_at, expires_at, ip_address, user_agent)
     select ?, id, ?::text[], ?, ?, ?, ?, ?, ? from signed_in
   ), first_token as (
     insert into "${schema}"."refresh_token" (id, session_id, token_hash, created_at, expires_at)
     select ?, ?, ?, ?, ? from signed_in
   ), announced as (
     insert into "${schema}"."outbox_event"
       (id, type, occurred_at, tenant_id, actor_user_id, subject_user_id, ip_address, user_agent, payload)
     select ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb from signed_in
   )
   select count(*)::int as signed_in from signed_in`;
}

/**
 * The writes of a successful sign-in, in one statement: the throttle counters reset and
 * `last_login_at` set (and the password hash replaced when it was made with older parameters), the
 * session and its first refresh token (stored hashed) inserted, and the `user.login` event put in
 * the outbox. Through the unit of work this was three inserts and an update, each its own round
 * trip, after a change-set computation: the password hash should be the only real cost of a sign-in.
 * The rows are the ones the entities (Session, RefreshToken, OutboxEvent) describe, their defaults
 * included. The account, read by readAccountForSignIn outside the unit of work, is updated to match;
 * no flush ever writes it.
 *
 * Either in the caller's transaction, which holds the account's row lock, or on its own (one
 * statement commits alone) with the `version` the account was read at: then nothing is written, and
 * null returned, if the row has changed since (a failure counted, a throttle started, the password
 * or the account changed), and the caller judges the sign-in again under the lock.
 */
export async function writeSignIn(
  em: EntityManager,
  sessions: SessionService,
  signIn: {
    readonly account: SignInAccount;
    readonly amr: readonly string[];
    readonly origin: RequestOrigin;
    readonly now: Date;
    /** A new hash of the password, when the stored one was made with other parameters than today's. */
    readonly rehashedPassword?: string;
    /** Without the lock: the row version the account was read at (SignInCheck.version). */
    readonly version?: string;
  },
): Promise<SignInWrites | null> {
  const { account, amr, origin, now } = signIn;
  const passwordHash = signIn.rehashedPassword ?? null;
  // As the unit of work had it: the account's sign-in time is the check's, the session's its opening.
  const opened = new Date();
  const sessionId = randomUUID();
  const expiresAt = sessions.expiryFrom(opened);
  const refreshToken = sessions.mintRefreshToken(sessionId);
  const event: EventRecordOf<'user.login'> = {
    type: 'user.login',
    tenantId: account.tenant.id,
    actorUserId: account.id,
    subjectUserId: account.id,
    origin,
  };
  // Each insert takes its row from the update's: no row updated (another version), nothing written.
  const [written] = await executePrepared<{ signed_in: number }>(
    em,
    preparedStatement(signInWrite(em.config.get('schema') ?? 'public')),
    [
      now,
      opened,
      passwordHash,
      account.id,
      signIn.version ?? null,
      signIn.version ?? null,
      sessionId,
      textArray(amr),
      opened,
      opened,
      opened,
      expiresAt,
      origin.ipAddress,
      origin.userAgent,
      randomUUID(),
      sessionId,
      hashRefreshToken(refreshToken),
      opened,
      expiresAt,
      randomUUID(),
      event.type,
      opened,
      event.tenantId ?? null,
      event.actorUserId ?? null,
      event.subjectUserId ?? null,
      event.origin?.ipAddress ?? null,
      event.origin?.userAgent ?? null,
      JSON.stringify(event.payload ?? {}),
    ],
  );
  if (written?.signed_in !== 1) return null;
  // The outbox row came from this statement, not a flush: the relays are told once it has committed.
  outboxWrittenBySql(em);
  // The answer's User shows this sign-in.
  account.throttledUntil = null;
  account.lastLoginAt = now;
  if (passwordHash) account.passwordHash = passwordHash;
  return { session: { id: sessionId, amr: [...amr], authTime: opened, expiresAt }, refreshToken };
}
