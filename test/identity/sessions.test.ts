import { createSecretBox } from '../../lib/crypto/secret-box.js';
import { MfaTickets } from '../../subgraphs/identity/src/auth/mfa-ticket.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { hash } from '@node-rs/argon2';
import { AuthService } from '../../subgraphs/identity/src/auth/auth.service.js';
import { readAccountForSignIn } from '../../subgraphs/identity/src/auth/login-throttle.js';
import { writeSignIn } from '../../subgraphs/identity/src/auth/sign-in-writes.js';
import { Session } from '../../subgraphs/identity/src/session/session.entity.js';
import { RefreshToken } from '../../subgraphs/identity/src/session/refresh-token.entity.js';
import { hashRefreshToken } from '../../subgraphs/identity/src/session/session.service.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { codeOf, goodPassword, login, meId, refresh, register, uniqueEmail } from './auth-helpers.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function signUp(label = 'person') {
  const email = uniqueEmail(label);
  const response = await register(stack, { email, password: goodPassword, displayName: label });
  expect(response.errors).toBeUndefined();
  return { email, tokens: response.data!.register };
}

async function eventsFor(userId: string) {
  const em = stack.subgraphs.identity.database.fork();
  return em.find(OutboxEvent, { subjectUserId: userId }, { orderBy: { occurredAt: 'asc' } });
}

describe('sign-up and sign-in', () => {
  it('registers, signs in, and the token works across the graph', async () => {
    const { email, tokens } = await signUp('alice');
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 1800, user: { email, role: 'USER' } });
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const signedIn = await login(stack, email.toUpperCase(), goodPassword, { 'user-agent': 'sessions-test/1.0' });
    expect(signedIn.errors).toBeUndefined();
    expect(await meId(stack, signedIn.data!.login.accessToken)).toMatchObject({ status: 200, id: tokens.user.id });
    const types = (await eventsFor(tokens.user.id)).map((e) => e.type);
    // Sign-up records user.created and user.login in one transaction, possibly in the same millisecond.
    expect([...types].sort()).toEqual(['user.created', 'user.login', 'user.login']);
    const lastLogin = (await eventsFor(tokens.user.id)).at(-1)!;
    expect(lastLogin).toMatchObject({ ipAddress: '127.0.0.1', userAgent: 'sessions-test/1.0' });
  });

  it('refuses sign-up when REGISTRATION_ENABLED is false', async () => {
    const closed = new AuthService(
      stack.identity.signingKeys,
      stack.identity.sessions,
      { registrationEnabled: false },
      stack.identity.totp,
      new MfaTickets(createSecretBox(secretKeys('a-secret-key-for-this-test-only-0123456789'), 'mfa-tickets')),
    );
    await expect(
      closed.register(
        stack.subgraphs.identity.database.fork(),
        { email: uniqueEmail(), password: goodPassword },
        {
          ipAddress: null,
          userAgent: null,
        },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a duplicate email, a weak password and a malformed email', async () => {
    const { email } = await signUp();
    expect(codeOf(await register(stack, { email, password: goodPassword }))).toBe('CONFLICT');
    const weak = await register(stack, { email: uniqueEmail(), password: 'password123' });
    expect(codeOf(weak)).toBe('VALIDATION_FAILED');
    expect(weak.errors?.[0]?.extensions?.['details']).toEqual({
      fields: [{ field: 'password', message: expect.stringMatching(/common/) as string }],
    });
    expect(JSON.stringify(weak)).not.toContain('password123');
    expect(codeOf(await register(stack, { email: 'not-an-email', password: goodPassword }))).toBe('VALIDATION_FAILED');
  });

  it('answers an unknown email and a wrong password alike, taking about as long', async () => {
    const { email } = await signUp();
    const wrong = await login(stack, email, 'wrong-password-0');
    const unknown = await login(stack, uniqueEmail('nobody'), 'wrong-password-0');
    expect(wrong.errors).toEqual(unknown.errors);
    expect(codeOf(wrong)).toBe('INVALID_CREDENTIALS');

    // Timed at the service: over HTTP the request overhead would hide a missing ~7 ms hash.
    const auth = stack.identity.auth;
    const attempt = (email: string, password: string) => async () => {
      const began = performance.now();
      await auth
        .login(stack.subgraphs.identity.database.fork(), { email, password }, { ipAddress: null, userAgent: null })
        .catch(() => undefined);
      return performance.now() - began;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrongTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      // Different accounts so the throttle (which answers without hashing) never kicks in.
      const other = await signUp();
      wrongTimes.push(await attempt(other.email, `nope-${i}-xyz`)());
      unknownTimes.push(await attempt(uniqueEmail('ghost'), `nope-${i}-xyz`)());
    }
    // Without the decoy hash an unknown email answers in about a tenth of a wrong password's time
    // (no argon2 at all); with it the two are alike. The bound leaves room for a busy machine.
    expect(median(unknownTimes) / median(wrongTimes)).toBeGreaterThan(0.35);
  });

  it('re-hashes a password made with old parameters at the next sign-in', async () => {
    const { email } = await signUp();
    const em = stack.subgraphs.identity.database.fork();
    await em.nativeUpdate(
      UserAccount,
      { email },
      { passwordHash: await hash(goodPassword, { memoryCost: 8192, timeCost: 1, parallelism: 1 }) },
    );
    expect(codeOf(await login(stack, email, goodPassword))).toBeUndefined();
    const account = await stack.subgraphs.identity.database
      .fork()
      .findOneOrFail(UserAccount, { email }, { populate: ['passwordHash'] });
    expect(account.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('signs in with two statements and no transaction: the account read (and its second factor told), one write', async () => {
    const { email, tokens } = await signUp('counted');
    const database = stack.subgraphs.identity.database;
    const em = database.fork();
    // A throttle count left by earlier failures is what a success resets.
    await em.nativeUpdate(UserAccount, { id: tokens.user.id }, { failedLoginCount: 3 });
    const before = database.statementCount();
    const signedIn = await login(stack, email, goodPassword, { 'user-agent': 'counted/1.0' });
    const statements = database.statementCount() - before;
    expect(signedIn.errors).toBeUndefined();
    expect(statements).toBe(2);

    const issued = signedIn.data!.login;
    const token = await em.findOneOrFail(
      RefreshToken,
      { tokenHash: hashRefreshToken(issued.refreshToken) },
      { populate: ['session'] },
    );
    expect(token.session.getEntity()).toMatchObject({ amr: ['pwd'], userAgent: 'counted/1.0', revokedAt: null });
    expect(token.expiresAt).toEqual(token.session.getEntity().expiresAt);
    const account = await em.findOneOrFail(UserAccount, { id: tokens.user.id }, { refresh: true });
    expect(account.failedLoginCount).toBe(0);
    expect(account.lastLoginAt).toBeInstanceOf(Date);
    expect((await eventsFor(tokens.user.id)).filter((e) => e.type === 'user.login')).toHaveLength(2);
    expect(await meId(stack, issued.accessToken)).toMatchObject({ status: 200, id: tokens.user.id });
  });

  it('writes a sign-in read without the lock only while the account is the version read', async () => {
    const { tokens } = await signUp('versioned');
    const userId = tokens.user.id;
    const em = stack.subgraphs.identity.database.fork();
    const seen = (await readAccountForSignIn(em, { id: userId }, { lock: false }))!;
    // A failure counted meanwhile (by another sign-in): the account is no longer the one read.
    await em.execute('update "identity"."user_account" set failed_login_count = failed_login_count + 1 where id = ?', [
      userId,
    ]);
    const signIn = {
      account: seen.account,
      amr: ['pwd'],
      origin: { ipAddress: null, userAgent: null },
      now: new Date(),
    };
    const sessionsBefore = await em.count(Session, { user: userId });
    const eventsBefore = (await eventsFor(userId)).length;
    expect(await writeSignIn(em, stack.identity.sessions, { ...signIn, version: seen.version })).toBeNull();
    expect(await em.count(Session, { user: userId })).toBe(sessionsBefore);
    expect(await eventsFor(userId)).toHaveLength(eventsBefore);
    expect((await em.findOneOrFail(UserAccount, userId, { refresh: true })).failedLoginCount).toBe(1);

    // Read again, it applies: the count reset, a session opened, the event recorded.
    const current = (await readAccountForSignIn(em, { id: userId }, { lock: false }))!;
    expect(current.version).not.toBe(seen.version);
    expect(await writeSignIn(em, stack.identity.sessions, { ...signIn, version: current.version })).not.toBeNull();
    expect(await em.count(Session, { user: userId })).toBe(sessionsBefore + 1);
    expect(await eventsFor(userId)).toHaveLength(eventsBefore + 1);
    expect((await em.findOneOrFail(UserAccount, userId, { refresh: true })).failedLoginCount).toBe(0);
  });

  it('signs in every one of concurrent sign-ins to one account, those that lost the race under the lock', async () => {
    const { email, tokens } = await signUp('concurrent');
    const em = stack.subgraphs.identity.database.fork();
    const sessionsBefore = await em.count(Session, { user: tokens.user.id });
    const answers = await Promise.all(Array.from({ length: 8 }, () => login(stack, email, goodPassword)));
    expect(answers.map((answer) => codeOf(answer) ?? 'signed in')).toEqual(Array(8).fill('signed in'));
    const issued = new Set(answers.map((answer) => answer.data!.login.refreshToken));
    expect(issued.size).toBe(8);
    expect(await em.count(Session, { user: tokens.user.id })).toBe(sessionsBefore + 8);
    expect((await eventsFor(tokens.user.id)).filter((e) => e.type === 'user.login')).toHaveLength(1 + 8);
    for (const answer of answers) {
      expect(await meId(stack, answer.data!.login.accessToken)).toMatchObject({ status: 200, id: tokens.user.id });
    }
  });
});

describe('refresh tokens', () => {
  it('rotate on every use; the old one stops working', async () => {
    const { tokens } = await signUp();
    const first = await refresh(stack, tokens.refreshToken);
    expect(first.errors).toBeUndefined();
    const next = first.data!.refreshToken;
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(await meId(stack, next.accessToken)).toMatchObject({ status: 200, id: tokens.user.id });
    expect(codeOf(await refresh(stack, next.refreshToken))).toBeUndefined();
  });

  it('revoke the whole family when a rotated token is presented again later', async () => {
    const { tokens } = await signUp();
    const rotated = (await refresh(stack, tokens.refreshToken)).data!.refreshToken;
    // "Later": the rotation happened beyond the window in which a duplicate counts as a race.
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(
        RefreshToken,
        { tokenHash: hashRefreshToken(tokens.refreshToken) },
        { usedAt: new Date(Date.now() - 5_000) },
      );
    const replay = await refresh(stack, tokens.refreshToken);
    expect(codeOf(replay)).toBe('INVALID_TOKEN');
    // The legitimate successor dies with the family, and so do the session's access tokens.
    expect(codeOf(await refresh(stack, rotated.refreshToken))).toBe('INVALID_TOKEN');
    expect(await meId(stack, rotated.accessToken)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect((await eventsFor(tokens.user.id)).map((e) => e.type)).toContain('session.refresh_reuse_detected');
  });

  it('let exactly one of several concurrent uses of one token win', async () => {
    const { tokens } = await signUp();
    const results = await Promise.all(Array.from({ length: 6 }, () => refresh(stack, tokens.refreshToken)));
    const winners = results.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'INVALID_TOKEN')).toHaveLength(5);
    // A race is not reuse: the winner's session lives on.
    const winner = winners[0]!.data!.refreshToken;
    expect(await meId(stack, winner.accessToken)).toMatchObject({ status: 200 });
    expect(codeOf(await refresh(stack, winner.refreshToken))).toBeUndefined();
  });

  it('refuse a duplicate within the race window without ending the session', async () => {
    const { tokens } = await signUp();
    const next = (await refresh(stack, tokens.refreshToken)).data!.refreshToken;
    expect(codeOf(await refresh(stack, tokens.refreshToken))).toBe('INVALID_TOKEN');
    expect(codeOf(await refresh(stack, next.refreshToken))).toBeUndefined();
  });

  it('refuse garbage', async () => {
    expect(codeOf(await refresh(stack, 'definitely-not-a-token'))).toBe('INVALID_TOKEN');
  });
});

describe('sign-out and password change', () => {
  it('logout ends the session: its access and refresh tokens are refused at once', async () => {
    const { tokens } = await signUp();
    const other = (await login(stack, tokens.user.email, goodPassword)).data!.login;
    const out = await stack.graphql<{ logout: boolean }>('mutation { logout }', { token: tokens.accessToken });
    expect(out.data).toEqual({ logout: true });
    expect(await meId(stack, tokens.accessToken)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(codeOf(await refresh(stack, tokens.refreshToken))).toBe('INVALID_TOKEN');
    // Another session of the same user is untouched.
    expect(await meId(stack, other.accessToken)).toMatchObject({ status: 200 });
  });

  it('a password change invalidates the old password and every other session, not the current one', async () => {
    const { email, tokens: current } = await signUp();
    const elsewhere = (await login(stack, email, goodPassword)).data!.login;
    const change = (currentPassword: string, newPassword: string) =>
      stack.graphql('mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', {
        token: current.accessToken,
        variables: { c: currentPassword, n: newPassword },
      });
    expect(codeOf(await change('not-my-password', 'violet-anchor-hums-9'))).toBe('VALIDATION_FAILED');
    expect(codeOf(await change(goodPassword, 'qwerty123'))).toBe('VALIDATION_FAILED');
    expect((await change(goodPassword, 'violet-anchor-hums-9')).data).toEqual({ changePassword: true });

    expect(codeOf(await login(stack, email, goodPassword))).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await login(stack, email, 'violet-anchor-hums-9'))).toBeUndefined();
    expect(await meId(stack, elsewhere.accessToken)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(codeOf(await refresh(stack, elsewhere.refreshToken))).toBe('INVALID_TOKEN');
    expect(await meId(stack, current.accessToken)).toMatchObject({ status: 200 });
    expect(codeOf(await refresh(stack, current.refreshToken))).toBeUndefined();
  });
});

describe('brute-force throttle', () => {
  it('throttles an account after 5 failures, even for the right password, and records it', async () => {
    const { email, tokens } = await signUp();
    for (let i = 0; i < 5; i += 1)
      expect(codeOf(await login(stack, email, `guess-${i}-abc`))).toBe('INVALID_CREDENTIALS');
    const throttled = await login(stack, email, goodPassword);
    expect(codeOf(throttled)).toBe('RATE_LIMITED');
    const retryAfter = (throttled.errors?.[0]?.extensions?.['details'] as { retryAfterSeconds: number })
      .retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);
    const types = (await eventsFor(tokens.user.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'user.login_failed')).toHaveLength(5);
    expect(types).toContain('user.login_throttled');
  });

  it('a success resets the count', async () => {
    const { email } = await signUp();
    for (let i = 0; i < 4; i += 1) await login(stack, email, `guess-${i}-abc`);
    expect(codeOf(await login(stack, email, goodPassword))).toBeUndefined();
    for (let i = 0; i < 4; i += 1) await login(stack, email, `guess-${i}-def`);
    expect(codeOf(await login(stack, email, goodPassword))).toBeUndefined();
  });

  it('counts every one of concurrent wrong guesses (no lost update)', async () => {
    const { email } = await signUp();
    // Below the threshold, so every guess gets a verdict; a burst past it is throttle-race.test.ts.
    await Promise.all(Array.from({ length: 4 }, (_, i) => login(stack, email, `parallel-${i}-guess`)));
    const account = await stack.subgraphs.identity.database.fork().findOneOrFail(UserAccount, { email });
    expect(account.failedLoginCount).toBe(4);
    expect(account.throttledUntil ?? null).toBeNull();
  });
});
