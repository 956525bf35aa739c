import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { EmailVerification } from '../../subgraphs/identity/src/email-verification/email-verification.entity.js';
import { PasswordResetTicket } from '../../subgraphs/identity/src/password-reset/password-reset-ticket.entity.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { bodyOf, codeIn, linkIn, startMailCatcher } from '../support/mail-catcher.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { codeOf, goodPassword, login, register, uniqueEmail } from './auth-helpers.js';

/**
 * Primary e-mail verification end to end: sign-up mails a link and a code over real SMTP, the link's
 * hosted page verifies once, codes are counted, REQUIRE_VERIFIED_EMAIL refuses sign-in until then
 * (with a resend path), and a change of address is verified before it replaces the old one.
 */
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
/** Defaults (verification optional), resends without cooldown. */
let stack: TestStack;
/** REQUIRE_VERIFIED_EMAIL=true, the default 60 s cooldown. */
let strict: TestStack;

beforeAll(async () => {
  mail = await startMailCatcher();
  [stack, strict] = await Promise.all([
    startTestStack({ SMTP_URL: mail.url, OTP_RESEND_COOLDOWN_SECONDS: '0' }),
    startTestStack({ SMTP_URL: mail.url, REQUIRE_VERIFIED_EMAIL: 'true' }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), strict?.stop()]);
  await mail?.close();
});

/** The page of a mailed link, on this stack's gateway (PUBLIC_URL is not the test's port). */
async function openLink(on: TestStack, link: URL) {
  const response = await fetch(new URL(link.pathname + link.search, on.gatewayUrl));
  return { status: response.status, text: await response.text() };
}

async function emailVerified(on: TestStack, token: string) {
  const response = await on.graphql<{ me: { email: string; emailVerified: boolean } }>(
    '{ me { email emailVerified } }',
    {
      token,
    },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.me;
}

async function signUp(on: TestStack, label: string) {
  const email = uniqueEmail(label);
  const response = await register(on, { email, password: goodPassword });
  expect(response.errors).toBeUndefined();
  return { email, token: response.data!.register.accessToken, id: response.data!.register.user.id };
}

describe('verification mail at sign-up', () => {
  it('mails a link that verifies the address once, and the page says so', async () => {
    const account = await signUp(stack, 'link');
    const message = await mail.nextMailTo(account.email);
    const link = linkIn(message.raw, '/oauth/verify-email');
    expect(codeIn(bodyOf(message.raw))).toMatch(/^\d{6}$/);
    expect(await emailVerified(stack, account.token)).toEqual({ email: account.email, emailVerified: false });

    const first = await openLink(stack, link);
    expect(first.status).toBe(200);
    expect(first.text).toContain('E-mail address verified');
    expect(await emailVerified(stack, account.token)).toEqual({ email: account.email, emailVerified: true });
    const me = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${account.token}` },
    });
    expect(await me.json()).toMatchObject({ email: account.email, email_verified: true });

    const again = await openLink(stack, link);
    expect(again.status).toBe(410);
    expect(again.text).toContain('used before');
    const tampered = await openLink(stack, new URL(`${link.pathname}?token=${'x'.repeat(43)}`, link));
    expect(tampered.status).toBe(404);
    expect(tampered.text).toContain('not valid');

    // Only hashes are stored: neither the link's token nor the code appears in the row.
    const rows = await stack.subgraphs.identity.database.fork().find(EmailVerification, { user: account.id });
    const stored = JSON.stringify(rows.map((row) => [row.tokenHash, row.codeHash]));
    expect(stored).not.toContain(link.searchParams.get('token'));
    expect(stored).not.toContain(codeIn(bodyOf(message.raw)));
  });

  it('takes the code instead; wrong codes are counted, a newer mail replaces the older link', async () => {
    const account = await signUp(stack, 'code');
    const first = await mail.nextMailTo(account.email);
    const resent = await stack.graphql<{ resendEmailVerification: { email: string; expiresIn: number } }>(
      'mutation { resendEmailVerification { email expiresIn } }',
      { token: account.token },
    );
    expect(resent.data?.resendEmailVerification).toEqual({ email: account.email, expiresIn: 600 });
    const second = await mail.nextMailTo(account.email);
    expect((await openLink(stack, linkIn(first.raw, '/oauth/verify-email'))).text).toContain('newer verification');

    const code = codeIn(bodyOf(second.raw));
    const wrongCode = code === '000000' ? '000001' : '000000';
    const verify = (value: string) =>
      stack.graphql<{ verifyEmailWithCode: { emailVerified: boolean } }>(
        'mutation ($c: String!) { verifyEmailWithCode(code: $c) { emailVerified } }',
        { token: account.token, variables: { c: value } },
      );
    const wrong = await verify(wrongCode);
    expect(codeOf(wrong)).toBe('OTP_INVALID');
    expect(wrong.errors?.[0]?.extensions?.['details']).toEqual({ attemptsLeft: 4 });
    expect(codeOf(await verify('12ab56'))).toBe('VALIDATION_FAILED');
    expect((await verify(code)).data?.verifyEmailWithCode).toEqual({ emailVerified: true });
    expect(codeOf(await verify(code))).toBe('OTP_INVALID');
    expect(
      codeOf(await stack.graphql('mutation { resendEmailVerification { email } }', { token: account.token })),
    ).toBe('CONFLICT');
  });
});

describe('concurrent use', () => {
  it('verifies once when one link is opened many times at once', async () => {
    const account = await signUp(stack, 'link-race');
    const link = linkIn((await mail.nextMailTo(account.email)).raw, '/oauth/verify-email');
    const pages = await Promise.all(Array.from({ length: 6 }, () => openLink(stack, link)));
    expect(pages.map((page) => page.status).sort()).toEqual([200, 410, 410, 410, 410, 410]);
    const events = await stack.subgraphs.identity.database
      .fork()
      .count(OutboxEvent, { type: 'user.email_verified', subjectUserId: account.id });
    expect(events).toBe(1);
  });

  it('counts every one of concurrent wrong codes: OTP_MAX_ATTEMPTS answered, the rest locked', async () => {
    const account = await signUp(stack, 'code-race');
    const code = codeIn(bodyOf((await mail.nextMailTo(account.email)).raw));
    const wrongCode = code === '000000' ? '000001' : '000000';
    const guess = (value: string) =>
      stack.graphql('mutation ($c: String!) { verifyEmailWithCode(code: $c) { emailVerified } }', {
        token: account.token,
        variables: { c: value },
      });
    const answers = await Promise.all(Array.from({ length: 10 }, () => guess(wrongCode)));
    const codes = answers.map((answer) => codeOf(answer));
    expect(codes.filter((c) => c === 'OTP_INVALID')).toHaveLength(5);
    expect(codes.filter((c) => c === 'OTP_LOCKED')).toHaveLength(5);
    // Locked: even the right code is refused now.
    expect(codeOf(await guess(code))).toBe('OTP_LOCKED');
  });
});

describe('REQUIRE_VERIFIED_EMAIL=true', () => {
  it('refuses sign-in until the address is verified, with a ticket to ask again or give the code', async () => {
    const email = uniqueEmail('strict');
    // Sign-up makes the account and mails it, but signs nobody in.
    const signedUp = await register(strict, { email, password: goodPassword });
    expect(codeOf(signedUp)).toBe('EMAIL_NOT_VERIFIED');
    expect(signedUp.errors?.[0]?.message).toMatch(/account is created/);
    expect(signedUp.data).toBeNull();
    const signUpMail = await mail.nextMailTo(email);

    const refused = await login(strict, email, goodPassword);
    expect(codeOf(refused)).toBe('EMAIL_NOT_VERIFIED');
    expect(refused.errors?.[0]?.message).toMatch(/Verify your e-mail address/);
    const ticket = refused.errors?.[0]?.extensions?.['details'] as { verificationTicket: string };
    expect(typeof ticket.verificationTicket).toBe('string');
    const rest = await fetch(`${strict.gatewayUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: goodPassword }),
    });
    expect(rest.status).toBe(403);
    expect(await rest.json()).toMatchObject({ error: 'email_not_verified' });
    // A wrong password is still just wrong: the refusal says nothing to whoever lacks it.
    expect(codeOf(await login(strict, email, 'not-the-password-9'))).toBe('INVALID_CREDENTIALS');

    // The resend path: within the cooldown it says when to ask again.
    const resend = await strict.graphql('mutation ($t: String) { resendEmailVerification(ticket: $t) { email } }', {
      variables: { t: ticket.verificationTicket },
    });
    expect(codeOf(resend)).toBe('OTP_COOLDOWN');
    expect(codeOf(await strict.graphql('mutation { resendEmailVerification { email } }'))).toBe('UNAUTHENTICATED');
    expect(
      codeOf(
        await strict.graphql('mutation ($t: String) { resendEmailVerification(ticket: $t) { email } }', {
          variables: { t: `${ticket.verificationTicket}x` },
        }),
      ),
    ).toBe('UNAUTHENTICATED');

    const verified = await strict.graphql<{ verifyEmailWithCode: { email: string; emailVerified: boolean } }>(
      'mutation ($c: String!, $t: String) { verifyEmailWithCode(code: $c, ticket: $t) { email emailVerified } }',
      { variables: { c: codeIn(bodyOf(signUpMail.raw)), t: ticket.verificationTicket } },
    );
    expect(verified.data?.verifyEmailWithCode).toEqual({ email, emailVerified: true });
    expect(codeOf(await login(strict, email, goodPassword))).toBeUndefined();
  });

  it('lets accounts made before verification existed sign in when the setting is off (the default)', async () => {
    const legacy = await stack.createUser();
    expect(await emailVerified(stack, legacy.token)).toMatchObject({ emailVerified: false });
    const email = uniqueEmail('default');
    expect((await register(stack, { email, password: goodPassword })).errors).toBeUndefined();
    await mail.nextMailTo(email);
    expect(codeOf(await login(stack, email, goodPassword))).toBeUndefined();
  });
});

describe('changing the primary address', () => {
  it('verifies the new address before it replaces the old one, and tells the old address', async () => {
    const account = await signUp(stack, 'mover');
    await mail.nextMailTo(account.email);
    const newEmail = uniqueEmail('moved');
    const change = (password: string, to = newEmail) =>
      stack.graphql<{ changeMyEmail: { email: string } }>(
        'mutation ($e: String!, $p: String!) { changeMyEmail(newEmail: $e, currentPassword: $p) { email } }',
        { token: account.token, variables: { e: to, p: password } },
      );
    expect(codeOf(await change('wrong-password-42'))).toBe('VALIDATION_FAILED');
    // Longer than any password may be: refused without hashing it.
    expect(codeOf(await change('p'.repeat(300)))).toBe('VALIDATION_FAILED');
    expect(codeOf(await change(goodPassword, 'not an address'))).toBe('VALIDATION_FAILED');
    const taken = await stack.createUser();
    expect(codeOf(await change(goodPassword, taken.email))).toBe('CONFLICT');
    expect((await change(goodPassword)).data?.changeMyEmail).toEqual({ email: newEmail });

    const message = await mail.nextMailTo(newEmail);
    // Nothing changes until the new address answers.
    expect(await emailVerified(stack, account.token)).toEqual({ email: account.email, emailVerified: false });
    expect(codeOf(await login(stack, account.email, goodPassword))).toBeUndefined();

    const page = await openLink(stack, linkIn(message.raw, '/oauth/verify-email'));
    expect(page.status).toBe(200);
    expect(page.text).toContain('E-mail address changed');
    expect(await emailVerified(stack, account.token)).toEqual({ email: newEmail, emailVerified: true });
    const notice = await mail.nextMailTo(account.email);
    expect(bodyOf(notice.raw)).toContain('was changed to');
    expect(bodyOf(notice.raw)).not.toContain(newEmail);
    expect(codeOf(await login(stack, account.email, goodPassword))).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await login(stack, newEmail, goodPassword))).toBeUndefined();
  });
});

describe('addresses changed or erased by administrators', () => {
  it('makes a re-addressed account unverified, and deleteUser erases its messages and links', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const email = uniqueEmail('provisioned');
    const upsert = (address: string) =>
      stack.graphql<{ upsertUserBySub: { user: { id: string; emailVerified: boolean } } }>(
        'mutation ($i: ProvisionUserInput!) { upsertUserBySub(input: $i) { user { id emailVerified } } }',
        { token: admin.token, variables: { i: { userSub: `idp|${email}`, email: address } } },
      );
    const created = (await upsert(email)).data!.upsertUserBySub.user;
    expect(created.emailVerified).toBe(false);
    const identity = stack.subgraphs.identity.database;
    await identity.fork().nativeUpdate(UserAccount, { id: created.id }, { emailVerifiedAt: new Date() });
    expect((await upsert(email)).data!.upsertUserBySub.user.emailVerified).toBe(true);
    expect((await upsert(uniqueEmail('readdressed'))).data!.upsertUserBySub.user.emailVerified).toBe(false);

    const member = await signUp(stack, 'erased');
    await mail.nextMailTo(member.email);
    const reset = await stack.graphql('mutation ($e: String!) { requestPasswordReset(email: $e) }', {
      variables: { e: member.email },
    });
    expect(reset.errors).toBeUndefined();
    await mail.nextMailTo(member.email);
    const deleted = await stack.graphql('mutation ($u: ID!) { deleteUser(userId: $u) }', {
      token: admin.token,
      variables: { u: member.id },
    });
    expect(deleted.errors).toBeUndefined();
    expect(await identity.fork().count(EmailVerification, { user: member.id })).toBe(0);
    expect(await identity.fork().count(PasswordResetTicket, { user: member.id })).toBe(0);
  });
});
