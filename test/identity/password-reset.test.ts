import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { PasswordResetTicket } from '../../subgraphs/identity/src/password-reset/password-reset-ticket.entity.js';
import { linkIn, startMailCatcher } from '../support/mail-catcher.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { codeOf, goodPassword, login, meId, register, uniqueEmail } from './auth-helpers.js';

/**
 * Forgotten passwords end to end over real HTTP and SMTP: the request answers alike for every address,
 * the mailed link works once (also under concurrent use), a newer request or 30 minutes void it, and
 * completing it ends every session and signs in (with the second factor when enrolled).
 */
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let stack: TestStack;

beforeAll(async () => {
  mail = await startMailCatcher();
  // No cooldown here: the per-address limits have a test of their own below, on the default.
  stack = await startTestStack({ SMTP_URL: mail.url, OTP_RESEND_COOLDOWN_SECONDS: '0' });
});
afterAll(async () => {
  await stack?.stop();
  await mail?.close();
});

const newPassword = 'quiet-harbor-lantern-8';

async function account(label: string) {
  const email = uniqueEmail(label);
  const response = await register(stack, { email, password: goodPassword });
  expect(response.errors).toBeUndefined();
  return { email, id: response.data!.register.user.id, token: response.data!.register.accessToken };
}

/** The raw HTTP answer to requestPasswordReset: status and body, exactly as a client sees them. */
async function requestReset(email: string) {
  const started = performance.now();
  const response = await fetch(`${stack.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($e: String!) { requestPasswordReset(email: $e) }',
      variables: { e: email },
    }),
  });
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
}

async function resetToken(email: string): Promise<string> {
  expect((await requestReset(email)).status).toBe(200);
  return linkIn((await mail.nextMailTo(email)).raw, '/oauth/reset-password').searchParams.get('token')!;
}

const complete = (token: string, password = newPassword) =>
  stack.graphql<{ completePasswordReset: { accessToken: string; user: { id: string; email: string } } }>(
    'mutation ($t: String!, $p: String!) { completePasswordReset(token: $t, newPassword: $p) { accessToken user { id email } } }',
    { variables: { t: token, p: password } },
  );

const reasonOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  (response.errors?.[0]?.extensions?.['details'] as { reason?: string } | undefined)?.reason;

/** The reset page for a link that no longer works: 410 and the words saying why. */
function expectRefusedPage(page: { status: number; text: string }, words: string) {
  expect(page.status).toBe(410);
  expect(page.text).toContain(words);
}

async function resetPage(token: string) {
  const response = await fetch(`${stack.gatewayUrl}/oauth/reset-password?token=${encodeURIComponent(token)}`);
  return { status: response.status, text: await response.text() };
}

describe('requestPasswordReset', () => {
  it('answers known and unknown addresses identically, in about the same time, and mails only the known', async () => {
    const known = await account('known');
    await mail.nextMailTo(known.email);
    const unknown = uniqueEmail('nobody');
    type Answer = Awaited<ReturnType<typeof requestReset>>;
    const answers: { known: Answer[]; unknown: Answer[] } = { known: [], unknown: [] };
    for (let i = 0; i < 5; i += 1) {
      answers.known.push(await requestReset(known.email));
      answers.unknown.push(await requestReset(unknown));
    }
    const shape = (answer: { status: number; body: string }) => ({ status: answer.status, body: answer.body });
    expect(new Set([...answers.known, ...answers.unknown].map((a) => JSON.stringify(shape(a)))).size).toBe(1);
    expect(shape(answers.known[0]!)).toEqual({ status: 200, body: '{"data":{"requestPasswordReset":true}}\n' });

    // The same work either way (one locked read, one row, one event; the mail leaves after the answer).
    const median = (list: { ms: number }[]) => list.map((a) => a.ms).sort((a, b) => a - b)[2]!;
    expect(Math.abs(median(answers.known) - median(answers.unknown))).toBeLessThan(250);

    for (let i = 0; i < 5; i += 1) await mail.nextMailTo(known.email);
    expect(mail.mails.filter((m) => m.to.includes(unknown))).toEqual([]);
    const events = await stack.subgraphs.identity.database
      .fork()
      .find(OutboxEvent, { type: 'user.password_reset_requested' });
    expect(events.filter((e) => e.subjectUserId === known.id)).toHaveLength(5);
    expect(events.filter((e) => (e.payload as { email?: string }).email === unknown)).toHaveLength(5);
  });

  it('holds further mail back per address within the cooldown, answering the same', async () => {
    const limited = await startTestStack({ SMTP_URL: mail.url });
    try {
      const email = uniqueEmail('cooldown');
      expect((await register(limited, { email, password: goodPassword })).errors).toBeUndefined();
      await mail.nextMailTo(email);
      const ask = () =>
        limited.graphql<{ requestPasswordReset: boolean }>(
          'mutation ($e: String!) { requestPasswordReset(email: $e) }',
          {
            variables: { e: email },
          },
        );
      expect((await ask()).data).toEqual({ requestPasswordReset: true });
      const first = linkIn((await mail.nextMailTo(email)).raw, '/oauth/reset-password');
      expect((await ask()).data).toEqual({ requestPasswordReset: true });
      await expect(mail.nextMailTo(email, 1500)).rejects.toThrow(/no mail/);
      // The held-back request voided nothing: the link that was sent still works.
      const status = await limited.graphql<{ passwordResetLinkStatus: string }>(
        'query ($t: String!) { passwordResetLinkStatus(token: $t) }',
        { variables: { t: first.searchParams.get('token') } },
      );
      expect(status.data).toEqual({ passwordResetLinkStatus: 'VALID' });
    } finally {
      await limited.stop();
    }
  });
});

describe('completePasswordReset', () => {
  it('sets the password, ends every session, records the event and signs in', async () => {
    const member = await account('reset');
    await mail.nextMailTo(member.email);
    const other = (await login(stack, member.email, goodPassword)).data!.login.accessToken;
    const token = await resetToken(member.email);
    expect(JSON.stringify(await stack.subgraphs.identity.database.fork().find(PasswordResetTicket, {}))).not.toContain(
      token,
    );

    const weak = await complete(token, 'password1');
    expect(codeOf(weak)).toBe('VALIDATION_FAILED');
    const done = await complete(token);
    expect(done.errors).toBeUndefined();
    expect(done.data!.completePasswordReset.user).toEqual({ id: member.id, email: member.email });
    expect(await meId(stack, done.data!.completePasswordReset.accessToken)).toMatchObject({
      status: 200,
      id: member.id,
    });
    for (const old of [member.token, other]) expect(await meId(stack, old)).toMatchObject({ status: 401 });
    expect(codeOf(await login(stack, member.email, goodPassword))).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await login(stack, member.email, newPassword))).toBeUndefined();
    // Following a link mailed to the address proves it.
    const me = await stack.graphql<{ me: { emailVerified: boolean } }>('{ me { emailVerified } }', {
      token: done.data!.completePasswordReset.accessToken,
    });
    expect(me.data?.me.emailVerified).toBe(true);
    const events = await stack.subgraphs.identity.database
      .fork()
      .find(OutboxEvent, { type: 'user.password_reset', subjectUserId: member.id });
    expect(events.map((e) => e.payload)).toEqual([{ sessionsEnded: 2 }]);
  });

  it('lets exactly one of concurrent uses of one link sign in', async () => {
    const member = await account('race');
    await mail.nextMailTo(member.email);
    const token = await resetToken(member.email);
    const results = await Promise.all(Array.from({ length: 6 }, () => complete(token)));
    const winners = results.filter((r) => r.errors === undefined);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'INVALID_TOKEN' && reasonOf(r) === 'used')).toHaveLength(5);
    const sessions = await stack.subgraphs.identity.database
      .fork()
      .find(OutboxEvent, { type: 'user.login', subjectUserId: member.id });
    // Sign-up's, and the one winner's.
    expect(sessions).toHaveLength(2);
  });

  it('refuses a used, an expired and a superseded link, and the page says which', async () => {
    const member = await account('ends');
    await mail.nextMailTo(member.email);

    const used = await resetToken(member.email);
    expect((await resetPage(used)).text).toContain('Choose a new password');
    expect((await complete(used)).errors).toBeUndefined();
    expect(reasonOf(await complete(used, 'another-fine-phrase-3'))).toBe('used');
    expectRefusedPage(await resetPage(used), 'was used before');

    const superseded = await resetToken(member.email);
    const newest = await resetToken(member.email);
    expect(reasonOf(await complete(superseded, 'another-fine-phrase-3'))).toBe('superseded');
    expectRefusedPage(await resetPage(superseded), 'newer');

    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(
        PasswordResetTicket,
        { user: member.id, usedAt: null, supersededAt: null },
        { expiresAt: new Date(Date.now() - 1000) },
      );
    expect(reasonOf(await complete(newest, 'another-fine-phrase-3'))).toBe('expired');
    expectRefusedPage(await resetPage(newest), 'expired');
    expectRefusedPage(await resetPage('not-a-token'), 'not valid');
    expect(reasonOf(await complete('x'.repeat(43)))).toBe('invalid');
  });

  it('asks for the second factor when one is enrolled, and counts nothing else against the link', async () => {
    const member = await account('mfa');
    await mail.nextMailTo(member.email);
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token: member.token },
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const confirmed = await stack.graphql(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
      {
        token: member.token,
        variables: { c: await generate({ secret }) },
      },
    );
    expect(confirmed.errors).toBeUndefined();

    const refused = await complete(await resetToken(member.email));
    expect(codeOf(refused)).toBe('MFA_REQUIRED');
    const ticket = (refused.errors?.[0]?.extensions?.['details'] as { mfaTicket: string }).mfaTicket;
    // The password is set; the sign-in waits for the code. The step's code was used at enrollment.
    const backup = (confirmed.data as { confirmTotpEnrollment: { backupCodes: string[] } }).confirmTotpEnrollment
      .backupCodes[0]!;
    const signedIn = await stack.graphql<{ completeMfaSignIn: { accessToken: string } }>(
      'mutation ($t: String!, $c: String!) { completeMfaSignIn(mfaTicket: $t, totpCode: $c) { accessToken } }',
      { variables: { t: ticket, c: backup } },
    );
    expect(signedIn.errors).toBeUndefined();
    expect(await meId(stack, signedIn.data!.completeMfaSignIn.accessToken)).toMatchObject({ id: member.id });
  });

  it('takes the hosted forms only with their CSRF token, from our origin', async () => {
    const member = await account('csrf');
    await mail.nextMailTo(member.email);
    const token = await resetToken(member.email);
    const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${stack.gatewayUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
    const forged = await post('/oauth/reset-password', { action: 'reset', token, password: newPassword });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('Form expired');
    const crossSite = await post(
      '/oauth/forgot-password',
      { email: member.email, csrf_token: 'a'.repeat(43) },
      { cookie: `mg_csrf=${'a'.repeat(43)}`, origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    // Nothing happened: the link still works, and the right form with its token goes through.
    expect(await resetPage(token)).toMatchObject({ status: 200 });
    const csrf = 'b'.repeat(43);
    const done = await post(
      '/oauth/reset-password',
      { action: 'reset', token, password: newPassword, csrf_token: csrf },
      { cookie: `mg_csrf=${csrf}` },
    );
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`You are signed in as ${member.email}`);
    expect(done.headers.get('set-cookie')).toMatch(/mg_session=.+HttpOnly/i);
  });
});
