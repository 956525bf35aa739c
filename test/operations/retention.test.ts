import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../lib/logging/logger.js';
import { ExpiredRowSweeper, retainFor, RETAIN_EXPIRED_DAYS } from '../../lib/db/retention.js';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import {
  EmailVerification,
  EmailVerificationPurpose,
} from '../../subgraphs/identity/src/email-verification/email-verification.entity.js';
import { AuthorizationCode } from '../../subgraphs/identity/src/oauth/authorization-code.entity.js';
import { hashOpaqueToken } from '../../subgraphs/identity/src/oauth/client-credentials.js';
import { PasswordResetTicket } from '../../subgraphs/identity/src/password-reset/password-reset-ticket.entity.js';
import { PasswordSetupTicket } from '../../subgraphs/identity/src/password-setup/password-setup-ticket.entity.js';
import { RefreshToken } from '../../subgraphs/identity/src/session/refresh-token.entity.js';
import { Session } from '../../subgraphs/identity/src/session/session.entity.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import {
  VerificationChallenge,
  VerificationPurpose,
} from '../../subgraphs/member/src/verification/verification-challenge.entity.js';
import { codeFor, registerApplication } from '../oauth/flow.js';
import { signUp } from '../rest/oauth-client.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';

/**
 * Tickets, codes, challenges, sessions and published outbox events are deleted a week past their expiry (lib/db/retention.ts): what
 * is due goes, in batches; what is live, or expired less than a week ago, stays.
 */
let stack: TestStack;
let user: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  user = await stack.createUser();
});
afterAll(async () => {
  await stack?.stop();
});

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
/** Past retention, just inside it, and not expired at all. */
const AGES = { due: RETAIN_EXPIRED_DAYS + 1, kept: RETAIN_EXPIRED_DAYS - 1, live: -1 } as const;
type Age = keyof typeof AGES;

const identityDb = () => stack.subgraphs.identity.database.fork();
const memberDb = () => stack.subgraphs.member.database.fork();

/** One row of each identity kind per age, made as the services make them; ids by age. */
async function identityRows(): Promise<Record<Age, string[]>> {
  const em = identityDb();
  const account = await em.findOneOrFail(UserAccount, user.id);
  const rows = {} as Record<Age, string[]>;
  for (const [age, days] of Object.entries(AGES) as [Age, number][]) {
    const expiresAt = daysAgo(days);
    const token = () => hashOpaqueToken(randomUUID());
    rows[age] = [
      em.create(PasswordResetTicket, { user: account, addressHash: token(), tokenHash: token(), expiresAt }).id,
      em.create(PasswordSetupTicket, { user: account, tokenHash: token(), expiresAt }).id,
      em.create(EmailVerification, {
        user: account,
        purpose: EmailVerificationPurpose.PRIMARY,
        target: user.email,
        tokenHash: token(),
        codeHash: token(),
        expiresAt,
      }).id,
    ];
  }
  await em.flush();
  return rows;
}

/** An authorization code from the real flow, aged as asked. */
async function authorizationCode(age: Age): Promise<string> {
  const app = await registerApplication(stack);
  const { code } = await codeFor(stack, app, user.token);
  const em = identityDb();
  const row = await em.findOneOrFail(AuthorizationCode, { codeHash: hashOpaqueToken(code) });
  row.expiresAt = daysAgo(AGES[age]);
  await em.flush();
  return row.id;
}

async function challenge(age: Age): Promise<string> {
  const em = memberDb();
  const row = em.create(VerificationChallenge, {
    userId: user.id,
    tenantId: user.tenantId,
    purpose: VerificationPurpose.BUSINESS_EMAIL,
    target: `work-${randomUUID()}@example.com`,
    codeHash: hashOpaqueToken(randomUUID()),
    expiresAt: daysAgo(AGES[age]),
  });
  await em.flush();
  return row.id;
}

async function remaining(
  fork: () => ReturnType<typeof identityDb>,
  entity: Parameters<ReturnType<typeof identityDb>['count']>[0],
  ids: string[],
): Promise<number> {
  return fork().count(entity, { id: { $in: ids } });
}

describe('expired rows', () => {
  it('identity deletes tickets, verifications and codes a week past expiry, and nothing younger', async () => {
    const rows = await identityRows();
    const codes = { due: await authorizationCode('due'), kept: await authorizationCode('kept') };
    const live = await authorizationCode('live');

    const deleted = await stack.subgraphs.identity.retention!.sweepNow();

    expect(deleted).toBeGreaterThanOrEqual(rows.due.length + 1);
    for (const entity of [PasswordResetTicket, PasswordSetupTicket, EmailVerification]) {
      expect(await remaining(identityDb, entity, rows.due), entity.name).toBe(0);
      expect(await remaining(identityDb, entity, [...rows.kept, ...rows.live]), entity.name).toBe(2);
    }
    expect(await remaining(identityDb, AuthorizationCode, [codes.due])).toBe(0);
    expect(await remaining(identityDb, AuthorizationCode, [codes.kept, live])).toBe(2);
    // The account the rows belonged to is untouched.
    expect(await identityDb().count(UserAccount, { id: user.id })).toBe(1);
    // Nothing more is due: a second sweep deletes nothing.
    expect(await stack.subgraphs.identity.retention!.sweepNow()).toBe(0);
  });

  it('identity deletes sessions a week past their absolute end, their refresh tokens with them', async () => {
    const sessionOf = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    // A sign-up opens a session with its first refresh token, as a sign-in does.
    const age = async (days: number) => {
      const { accessToken } = await signUp(stack, 'retention');
      const id = sessionOf(accessToken);
      await identityDb().nativeUpdate(Session, { id }, { expiresAt: daysAgo(days), revokedAt: daysAgo(days + 1) });
      return id;
    };
    const due = await age(AGES.due);
    const kept = await age(AGES.kept);
    expect(await identityDb().count(RefreshToken, { session: due })).toBe(1);

    await stack.subgraphs.identity.retention!.sweepNow();

    expect(await remaining(identityDb, Session, [due])).toBe(0);
    expect(await identityDb().count(RefreshToken, { session: due })).toBe(0);
    expect(await remaining(identityDb, Session, [kept, sessionOf(user.token)])).toBe(2);
    expect(await identityDb().count(RefreshToken, { session: kept })).toBe(1);
  });

  it('member deletes verification challenges a week past expiry', async () => {
    const due = [await challenge('due'), await challenge('due')];
    const kept = [await challenge('kept'), await challenge('live')];

    expect(await stack.subgraphs.member.retention!.sweepNow()).toBeGreaterThanOrEqual(2);
    expect(await remaining(memberDb, VerificationChallenge, due)).toBe(0);
    expect(await remaining(memberDb, VerificationChallenge, kept)).toBe(2);
  });

  it('finds what is due through an index in every subgraph, never by reading a whole table', async () => {
    let checked = 0;
    for (const [name, subgraph] of Object.entries(stack.subgraphs)) {
      for (const { table, statement } of subgraph.retention?.statements ?? []) {
        // Tables here are tiny, so the planner is told to read them whole only when it has no other way.
        const plan = await subgraph.database.fork().transactional(async (tx) => {
          await tx.execute('set local enable_seqscan = off', [], 'run');
          const rows = await tx.execute<{ 'QUERY PLAN': string }[]>(`explain ${statement}`, [RETAIN_EXPIRED_DAYS, 100]);
          return rows.map((row) => row['QUERY PLAN']).join('\n');
        });
        expect(plan, `${name} ${table}`).not.toMatch(new RegExp(`Seq Scan on ${table}\\b`));
        checked += 1;
      }
    }
    // identity's five rules, member's one, and the published events of identity's, member's and
    // catalog's outboxes (admin has none: it consumes them).
    expect(checked).toBe(9);
  });

  it('finds the rows that reference a deleted one through an index: no foreign key without one', async () => {
    // A session swept (or an account deleted) takes the rows that reference it by `on delete`: each
    // deleted row looks them up by the referencing column, which must lead an index.
    const unindexed = await stack.subgraphs.identity.database.fork().execute<{ reference: string }[]>(
      `select c.conrelid::regclass::text || '.' || a.attname || ' -> ' || c.confrelid::regclass::text as reference
         from pg_constraint c
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        where c.contype = 'f'
          and c.connamespace::regnamespace::text in ('identity', 'member', 'catalog', 'admin')
          and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
        order by 1`,
    );
    expect(unindexed.map((row) => row.reference)).toEqual([]);
  });

  it('deletes more than a batch in several statements, a batch at a time', async () => {
    const logged: { msg?: string; deleted?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line) as never);
        done();
      },
    });
    const sweeper = new ExpiredRowSweeper({
      database: stack.subgraphs.member.database,
      rules: [retainFor(VerificationChallenge, RETAIN_EXPIRED_DAYS, 'expiresAt')],
      logger: createLogger({ logLevel: 'debug' }, 'test', sink),
      batchSize: 2,
    });
    const due = await Promise.all(Array.from({ length: 5 }, () => challenge('due')));
    const statementsBefore = stack.subgraphs.member.database.statementCount();

    expect(await sweeper.sweepNow()).toBe(5);
    // A line per statement at debug (2, 2, then 1, which says nothing more is due), one at info.
    await vi.waitFor(() =>
      expect(logged.map((line) => [line.msg, line.deleted])).toEqual([
        ['expired rows: one batch', 2],
        ['expired rows: one batch', 2],
        ['expired rows: one batch', 1],
        ['deleted expired rows', 5],
      ]),
    );
    // Background statements: not counted against requests (the O(1)-statements tests).
    expect(stack.subgraphs.member.database.statementCount()).toBe(statementsBefore);
    expect(await remaining(memberDb, VerificationChallenge, due)).toBe(0);
  });

  it('sweeps on its own schedule once started, and stops', async () => {
    const sweeper = new ExpiredRowSweeper({
      database: stack.subgraphs.member.database,
      rules: [retainFor(VerificationChallenge, RETAIN_EXPIRED_DAYS, 'expiresAt')],
      logger: createLogger({ logLevel: 'silent' }, 'test'),
      firstSweepAfterMs: 0,
      intervalMs: 50,
    });
    sweeper.start();
    try {
      const due = await challenge('due');
      await vi.waitFor(async () => expect(await remaining(memberDb, VerificationChallenge, [due])).toBe(0), {
        timeout: 5_000,
      });
    } finally {
      await sweeper.stop();
    }
    const after = await challenge('due');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await remaining(memberDb, VerificationChallenge, [after])).toBe(1);
  });

  it('deletes published outbox events a week after publication, and never an unpublished one', async () => {
    const em = stack.subgraphs.catalog.database.fork();
    // Old events; the unpublished one leased to another relay for a day, so this one leaves it be.
    const event = (publishedDaysAgo: number | null) =>
      em.create(OutboxEvent, {
        type: 'catalog.system_created',
        occurredAt: daysAgo(30),
        publishedAt: publishedDaysAgo === null ? null : daysAgo(publishedDaysAgo),
        claimedUntil: publishedDaysAgo === null ? daysAgo(-1) : null,
      }).id;
    const due = event(AGES.due);
    const kept = [event(AGES.kept), event(null)];
    await em.flush();

    expect(await stack.subgraphs.catalog.retention!.sweepNow()).toBeGreaterThanOrEqual(1);
    const left = stack.subgraphs.catalog.database.fork();
    expect(await left.count(OutboxEvent, { id: due })).toBe(0);
    expect(await left.count(OutboxEvent, { id: { $in: kept } })).toBe(2);
  });

  it('runs where a subgraph declares rules or has an outbox', () => {
    expect(stack.subgraphs.identity.retention).toBeDefined();
    expect(stack.subgraphs.member.retention).toBeDefined();
    // Its outbox's published events only.
    expect(stack.subgraphs.catalog.retention).toBeDefined();
    expect(stack.subgraphs.admin.retention).toBeUndefined();
  });
});
