import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerificationChallenge } from '../../subgraphs/member/src/verification/verification-challenge.entity.js';
import { codeIn, startMailCatcher } from '../support/mail-catcher.js';
import { startSmsReceiver } from '../support/sms-receiver.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { call } from './oauth-client.js';

/**
 * seed 003 business e-mail and phone verification, through the gateway, with codes delivered over a
 * real SMTP server and a real HTTP SMS endpoint.
 */
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
/** Default limits: 60 s cooldown, 5 attempts, 10 per member / 5 per address a day. */
let stack: TestStack;
/** No cooldown and small daily limits, to reach them quickly; no SMS transport. */
let limited: TestStack;

beforeAll(async () => {
  [mail, sms] = await Promise.all([startMailCatcher(), startSmsReceiver()]);
  [stack, limited] = await Promise.all([
    startTestStack({ SMTP_URL: mail.url, SMS_WEBHOOK_URL: sms.url }),
    startTestStack({
      SMTP_URL: mail.url,
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      OTP_DAILY_LIMIT_PER_MEMBER: '3',
      OTP_DAILY_LIMIT_PER_TARGET: '2',
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), limited?.stop()]);
  await Promise.all([mail?.close(), sms?.close()]);
});

/** `expect.any` is typed `any`; this names what it stands for. */
const anyString: unknown = expect.any(String);
const success = (data: unknown) => ({ code: 102000, message: 'SUCCESS', data });
const address = () => `work-${randomUUID()}@example.com`;
let phoneCounter = 0;
const phoneNumber = () =>
  `+8869${String(Date.now() % 1e6).padStart(6, '0')}${String(phoneCounter++ % 100).padStart(2, '0')}`;

async function startEmail(on: TestStack, user: TestUser, target: string) {
  const started = await call(on, 'POST', '/api/v1/members/me/verifications/email/start', {
    token: user.token,
    body: { target },
  });
  return started;
}

/** Starts an e-mail verification and reads the code from the delivered mail. */
async function emailCode(on: TestStack, user: TestUser, target: string) {
  const delivered = mail.nextMailTo(target);
  const started = await startEmail(on, user, target);
  expect(started.status).toBe(200);
  const data = started.body['data'] as { challenge_id: string; expires_in: number };
  return { challengeId: data.challenge_id, code: codeIn((await delivered).raw), expiresIn: data.expires_in };
}

function confirm(on: TestStack, user: TestUser, channel: 'email' | 'phone', challengeId: unknown, code: unknown) {
  return call(on, 'POST', `/api/v1/members/me/verifications/${channel}/confirm`, {
    token: user.token,
    body: { challenge_id: challengeId, code },
  });
}

async function me(on: TestStack, user: TestUser) {
  const response = await call(on, 'GET', '/api/v1/members/me', { token: user.token });
  expect(response.status).toBe(200);
  return response.body['data'] as Record<string, unknown>;
}

const refused = (status: number, code: number) => ({ status, code });
const outcome = (response: { status: number; body: Record<string, unknown> }) => ({
  status: response.status,
  code: response.body['code'],
});

/** A code that is not the right one. */
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('business e-mail verification', () => {
  it('mails a code over SMTP; the right code makes the address the verified business e-mail', async () => {
    const user = await stack.createUser();
    const target = address();
    const delivered = mail.nextMailTo(target);
    const started = await startEmail(stack, user, target.toUpperCase());
    expect(started.status).toBe(200);
    expect(started.body).toEqual(success({ challenge_id: anyString, expires_in: 600 }));
    const received = await delivered;
    expect(received.to).toEqual([target]);
    expect(received.raw).toMatch(/^Subject: Your verification code: \d{6}/m);
    const code = codeIn(received.raw);
    const challengeId = (started.body['data'] as { challenge_id: string }).challenge_id;

    // Stored keyed-hashed: neither the code nor its plain SHA-256 is in the row.
    const row = await stack.subgraphs.member.database.fork().findOneOrFail(VerificationChallenge, challengeId);
    expect(row.codeHash).not.toContain(code);
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);

    expect(await me(stack, user)).toMatchObject({ business_email_verified: false });
    const confirmed = await confirm(stack, user, 'email', challengeId, code);
    expect({ status: confirmed.status, body: confirmed.body }).toEqual({ status: 200, body: success(null) });
    expect(await me(stack, user)).toMatchObject({ business_email: target, business_email_verified: true });

    // Single use.
    expect(outcome(await confirm(stack, user, 'email', challengeId, code))).toEqual(refused(403, 29505000));
  });

  it('clears the verified flag when the address is changed later, and keeps it when it is not', async () => {
    const user = await stack.createUser();
    const target = address();
    const { challengeId, code } = await emailCode(stack, user, target);
    expect((await confirm(stack, user, 'email', challengeId, code)).status).toBe(200);
    const update = (businessEmail: string) =>
      stack.graphql<{ updateMyProfile: { businessEmail: string; businessEmailVerified: boolean } }>(
        'mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { businessEmail businessEmailVerified } }',
        { token: user.token, variables: { input: { businessEmail } } },
      );
    // The same address in another case is the same address.
    expect((await update(target.toUpperCase())).data?.updateMyProfile).toEqual({
      businessEmail: target,
      businessEmailVerified: true,
    });
    const other = address();
    expect((await update(other)).data?.updateMyProfile).toEqual({ businessEmail: other, businessEmailVerified: false });
    expect(await me(stack, user)).toMatchObject({ business_email: other, business_email_verified: false });
  });

  it('refuses a second code within the cooldown with 429 29604000 and Retry-After; after it, a new code works', async () => {
    const user = await stack.createUser();
    const target = address();
    const first = await emailCode(stack, user, target);
    const again = await startEmail(stack, user, target);
    expect(outcome(again)).toEqual(refused(429, 29604000));
    expect(typeof again.body['message']).toBe('string');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(50);

    // The cooldown has passed (the first code was sent 61 s ago).
    await stack.subgraphs.member.database
      .fork()
      .nativeUpdate(VerificationChallenge, { id: first.challengeId }, { createdAt: new Date(Date.now() - 61_000) });
    const second = await emailCode(stack, user, target);
    // Only the newest code works: the first one died when the second was sent.
    expect(outcome(await confirm(stack, user, 'email', first.challengeId, first.code))).toEqual(refused(403, 29505000));
    expect((await confirm(stack, user, 'email', second.challengeId, second.code)).status).toBe(200);
  });

  it('locks a challenge after 5 wrong codes, also when they arrive at once: 5 × 403, then 409 29309000', async () => {
    const user = await stack.createUser();
    const { challengeId, code } = await emailCode(stack, user, address());
    const guesses = await Promise.all(
      Array.from({ length: 10 }, () => confirm(stack, user, 'email', challengeId, wrongCode(code))),
    );
    const tally = guesses.map(outcome).reduce<Record<string, number>>((counts, o) => {
      const key = `${o.status} ${String(o.code)}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return counts;
    }, {});
    expect(tally).toEqual({ '403 29505000': 5, '409 29309000': 5 });
    // Locked: even the right code is refused now, and nothing was verified.
    expect(outcome(await confirm(stack, user, 'email', challengeId, code))).toEqual(refused(409, 29309000));
    expect(await me(stack, user)).toMatchObject({ business_email_verified: false });
    const row = await stack.subgraphs.member.database.fork().findOneOrFail(VerificationChallenge, challengeId);
    expect(row.failedAttempts).toBe(5);
  });

  it('says how many attempts are left after a wrong code', async () => {
    const user = await stack.createUser();
    const { challengeId, code } = await emailCode(stack, user, address());
    const wrong = await confirm(stack, user, 'email', challengeId, wrongCode(code));
    expect(wrong.body).toEqual({ code: 29505000, message: 'The code is wrong; 4 attempts left' });
    expect((await confirm(stack, user, 'email', challengeId, code)).status).toBe(200);
  });

  it('refuses an expired code with 403 29505000', async () => {
    const user = await stack.createUser();
    const { challengeId, code } = await emailCode(stack, user, address());
    await stack.subgraphs.member.database
      .fork()
      .nativeUpdate(VerificationChallenge, { id: challengeId }, { expiresAt: new Date(Date.now() - 1000) });
    expect(outcome(await confirm(stack, user, 'email', challengeId, code))).toEqual(refused(403, 29505000));
  });

  it("refuses another tenant's, another member's or another purpose's challenge with 403 29505000", async () => {
    const owner = await stack.createUser({ tenantSlug: 'verify-home' });
    const { challengeId, code } = await emailCode(stack, owner, address());
    const sameTenant = await stack.createUser({ tenantSlug: 'verify-home' });
    const otherTenant = await stack.createUser({ tenantSlug: 'verify-elsewhere' });
    expect(outcome(await confirm(stack, otherTenant, 'email', challengeId, code))).toEqual(refused(403, 29505000));
    expect(outcome(await confirm(stack, sameTenant, 'email', challengeId, code))).toEqual(refused(403, 29505000));
    expect(outcome(await confirm(stack, owner, 'phone', challengeId, code))).toEqual(refused(403, 29505000));
    // None of that spent the code or verified anyone.
    expect((await confirm(stack, owner, 'email', challengeId, code)).status).toBe(200);
    expect(await me(stack, otherTenant)).toMatchObject({ business_email_verified: false });
  });

  it('answers an unknown challenge with 404 29301000', async () => {
    const user = await stack.createUser();
    expect(outcome(await confirm(stack, user, 'email', randomUUID(), '123456'))).toEqual(refused(404, 29301000));
    expect(outcome(await confirm(stack, user, 'email', 'not-a-challenge', '123456'))).toEqual(refused(404, 29301000));
  });

  it('answers missing fields with 400 29104000 and malformed ones with 400 10101000, sending nothing', async () => {
    const user = await stack.createUser();
    const before = mail.mails.length;
    const start = (body: unknown) =>
      call(stack, 'POST', '/api/v1/members/me/verifications/email/start', { token: user.token, body });
    expect(outcome(await start({}))).toEqual(refused(400, 29104000));
    expect(outcome(await start({ target: '' }))).toEqual(refused(400, 29104000));
    expect(outcome(await start({ target: 'not an address' }))).toEqual(refused(400, 10101000));
    expect(outcome(await start({ target: 42 }))).toEqual(refused(400, 10101000));
    expect(outcome(await confirm(stack, user, 'email', undefined, '123456'))).toEqual(refused(400, 29104000));
    expect(outcome(await confirm(stack, user, 'email', randomUUID(), undefined))).toEqual(refused(400, 29104000));
    expect(outcome(await confirm(stack, user, 'email', randomUUID(), '12ab56'))).toEqual(refused(400, 10101000));
    const phone = await call(stack, 'POST', '/api/v1/members/me/verifications/phone/start', {
      token: user.token,
      body: { target: '0912345678' },
    });
    expect(outcome(phone)).toEqual(refused(400, 10101000));
    expect(mail.mails.length).toBe(before);
    expect(await me(stack, user)).toMatchObject({ business_email_verified: false });
  });

  it('answers 401 29501000 without a valid bearer token', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const response = await call(stack, 'POST', '/api/v1/members/me/verifications/email/start', {
        ...(token ? { token } : {}),
        body: { target: address() },
      });
      expect(outcome(response)).toEqual(refused(401, 29501000));
    }
  });
});

describe('daily limits', () => {
  it('allows 3 codes a day per member, then answers 429 29310000', async () => {
    const user = await limited.createUser();
    for (let i = 0; i < 3; i++) await emailCode(limited, user, address());
    expect(outcome(await startEmail(limited, user, address()))).toEqual(refused(429, 29310000));
  });

  it('allows 2 codes a day per address across members, then answers 429 29310000', async () => {
    const target = address();
    const [a, b, c] = await Promise.all([limited.createUser(), limited.createUser(), limited.createUser()]);
    await emailCode(limited, a, target);
    await emailCode(limited, b, target);
    expect(outcome(await startEmail(limited, c, target))).toEqual(refused(429, 29310000));
    // Another address is still fine for that member.
    await emailCode(limited, c, address());
  });

  it('counts codes requested at once exactly: 6 concurrent starts by one member give 3 codes', async () => {
    const user = await limited.createUser();
    const answers = await Promise.all(Array.from({ length: 6 }, () => startEmail(limited, user, address())));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
  });
});

describe('business phone verification', () => {
  it('texts the code through the SMS provider; the right code verifies the number', async () => {
    const user = await stack.createUser();
    const target = phoneNumber();
    const started = await call(stack, 'POST', '/api/v1/members/me/verifications/phone/start', {
      token: user.token,
      body: { target },
    });
    expect(started.body).toEqual(success({ challenge_id: anyString, expires_in: 600 }));
    const message = sms.received.find((m) => m.to === target);
    expect(message?.contentType).toBe('application/json');
    const code = codeIn(`\n\n${message?.message ?? ''}`);
    const challengeId = (started.body['data'] as { challenge_id: string }).challenge_id;
    expect((await confirm(stack, user, 'phone', challengeId, code)).status).toBe(200);
    expect(await me(stack, user)).toMatchObject({ business_phone: target, business_phone_verified: true });
  });

  it('answers 500 29201000 when the provider refuses, and starts no cooldown', async () => {
    const user = await stack.createUser();
    const target = phoneNumber();
    sms.answer(503);
    try {
      const failed = await call(stack, 'POST', '/api/v1/members/me/verifications/phone/start', {
        token: user.token,
        body: { target },
      });
      expect(outcome(failed)).toEqual(refused(500, 29201000));
    } finally {
      sms.answer(202);
    }
    const retried = await call(stack, 'POST', '/api/v1/members/me/verifications/phone/start', {
      token: user.token,
      body: { target },
    });
    expect(retried.status).toBe(200);
  });

  it('answers 501 29605000 where no SMS transport is configured (outside development)', async () => {
    const user = await limited.createUser();
    const response = await call(limited, 'POST', '/api/v1/members/me/verifications/phone/start', {
      token: user.token,
      body: { target: phoneNumber() },
    });
    expect(outcome(response)).toEqual(refused(501, 29605000));
    // Nothing was stored, so nothing counts toward the limits.
    const rows = await limited.subgraphs.member.database.fork().count(VerificationChallenge, { userId: user.id });
    expect(rows).toBe(0);
  });
});

describe('GraphQL', () => {
  it('verifies a business e-mail with startBusinessEmailVerification and confirmBusinessEmailVerification', async () => {
    const user = await stack.createUser();
    const target = address();
    const delivered = mail.nextMailTo(target);
    const started = await stack.graphql<{ startBusinessEmailVerification: { challengeId: string; expiresIn: number } }>(
      'mutation ($email: String!) { startBusinessEmailVerification(email: $email) { challengeId expiresIn } }',
      { token: user.token, variables: { email: target } },
    );
    expect(started.errors).toBeUndefined();
    const { challengeId } = started.data!.startBusinessEmailVerification;
    const confirmQuery =
      'mutation ($id: ID!, $code: String!) { confirmBusinessEmailVerification(challengeId: $id, code: $code) { businessEmail businessEmailVerified } }';
    const code = codeIn((await delivered).raw);

    const wrong = await stack.graphql(confirmQuery, {
      token: user.token,
      variables: { id: challengeId, code: wrongCode(code) },
    });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: 4 } });

    const confirmed = await stack.graphql(confirmQuery, { token: user.token, variables: { id: challengeId, code } });
    expect(confirmed.data).toEqual({
      confirmBusinessEmailVerification: { businessEmail: target, businessEmailVerified: true },
    });
  });

  it('refuses anonymous callers', async () => {
    const response = await stack.graphql(
      'mutation { startBusinessPhoneVerification(phone: "+886912345678") { challengeId } }',
    );
    expect(response.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(sms.received.some((m) => m.to === '+886912345678')).toBe(false);
  });
});
