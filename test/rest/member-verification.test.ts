import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerificationChallenge } from '../../subgraphs/member/src/verification/verification-challenge.entity.js';
import { codeIn, startMailCatcher } from '../support/mail-catcher.js';
import { startSmsReceiver } from '../support/sms-receiver.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { call } from './oauth-client.js';

/**
 * seed 003 business e-mail and phone verification, through the gateway, with codes delivered over a
 * real SMTP server and a real HTTP SMS endpoint. Every case runs for both channels.
 */
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
/** Default limits: 60 s cooldown, 5 attempts, 10 per member / 5 per address a day. */
let stack: TestStack;
/** No cooldown and small daily limits, to reach them quickly. */
let limited: TestStack;
/** Production, with no transport for either channel. */
let unconfigured: TestStack;

beforeAll(async () => {
  [mail, sms] = await Promise.all([startMailCatcher(), startSmsReceiver()]);
  [stack, limited, unconfigured] = await Promise.all([
    startTestStack({ SMTP_URL: mail.url, SMS_WEBHOOK_URL: sms.url }),
    startTestStack({
      SMTP_URL: mail.url,
      SMS_WEBHOOK_URL: sms.url,
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      OTP_DAILY_LIMIT_PER_MEMBER: '3',
      OTP_DAILY_LIMIT_PER_TARGET: '2',
    }),
    startTestStack({ NODE_ENV: 'production', PUBLIC_URL: 'https://members.example.com' }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), limited?.stop(), unconfigured?.stop()]);
  await Promise.all([mail?.close(), sms?.close()]);
});

/** `expect.any` is typed `any`; this names what it stands for. */
const anyString: unknown = expect.any(String);
const success = (data: unknown) => ({ code: 102000, message: 'SUCCESS', data });

let phoneCounter = 0;

/** What differs between proving an e-mail address and a phone number, as a member sees it. */
interface Channel {
  readonly name: 'email' | 'phone';
  readonly other: 'email' | 'phone';
  newTarget(): string;
  /** The same address as the member might type it; it normalizes to `target`. */
  typed(target: string): string;
  /** Call before the start; resolves with the code delivered to `target` by it. */
  awaitCode(target: string): Promise<string>;
  /** From now on the transport refuses (true) or accepts (false) every message. */
  refuseDeliveries(refuse: boolean): void;
  /** What has been delivered to `target` so far. */
  deliveredTo(target: string): number;
  readonly field: 'businessEmail' | 'businessPhone';
  readonly address: 'business_email' | 'business_phone';
  readonly verified: 'business_email_verified' | 'business_phone_verified';
  readonly malformedTarget: string;
}

const email: Channel = {
  name: 'email',
  other: 'phone',
  newTarget: () => `work-${randomUUID()}@example.com`,
  typed: (target) => target.toUpperCase(),
  async awaitCode(target) {
    return codeIn((await mail.nextMailTo(target)).raw);
  },
  refuseDeliveries: (refuse) => mail.reject(refuse),
  deliveredTo: (target) => mail.mails.filter((m) => m.to.includes(target)).length,
  field: 'businessEmail',
  address: 'business_email',
  verified: 'business_email_verified',
  malformedTarget: 'not an address',
};

const phone: Channel = {
  name: 'phone',
  other: 'email',
  newTarget: () => `+8869${String(Date.now() % 1e6).padStart(6, '0')}${String(phoneCounter++ % 100).padStart(2, '0')}`,
  typed: (target) => ` ${target} `,
  async awaitCode(target) {
    const before = sms.received.length;
    // The provider has answered (and recorded the message) before start responds.
    await expect.poll(() => sms.received.slice(before).some((m) => m.to === target)).toBe(true);
    const message = sms.received.slice(before).find((m) => m.to === target)!;
    expect(message.contentType).toBe('application/json');
    return codeIn(`\n\n${message.message}`);
  },
  refuseDeliveries: (refuse) => sms.answer(refuse ? 503 : 202),
  deliveredTo: (target) => sms.received.filter((m) => m.to === target).length,
  field: 'businessPhone',
  address: 'business_phone',
  verified: 'business_phone_verified',
  malformedTarget: '0912345678',
};

function start(on: TestStack, user: TestUser, channel: Channel['name'], body: unknown) {
  return call(on, 'POST', `/api/v1/members/me/verifications/${channel}/start`, { token: user.token, body });
}

function confirm(on: TestStack, user: TestUser, channel: Channel['name'], challengeId: unknown, code: unknown) {
  return call(on, 'POST', `/api/v1/members/me/verifications/${channel}/confirm`, {
    token: user.token,
    body: { challenge_id: challengeId, code },
  });
}

/** Starts a verification and reads the code from what was delivered. */
async function deliveredCode(on: TestStack, user: TestUser, channel: Channel, target: string) {
  const code = channel.awaitCode(target);
  const started = await start(on, user, channel.name, { target });
  expect(started.status).toBe(200);
  const data = started.body['data'] as { challenge_id: string; expires_in: number };
  return { challengeId: data.challenge_id, code: await code };
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

/** Pretends the latest code was sent 61 s ago: the 60 s cooldown has passed. */
async function cooldownPassed(on: TestStack, challengeId: string) {
  await on.subgraphs.member.database
    .fork()
    .nativeUpdate(VerificationChallenge, { id: challengeId }, { createdAt: new Date(Date.now() - 61_000) });
}

describe.each([email, phone])('business $name verification', (channel) => {
  it('delivers a 6-digit code; the right one makes the address the verified business contact, once', async () => {
    const user = await stack.createUser();
    const target = channel.newTarget();
    const delivered = channel.awaitCode(target);
    const started = await start(stack, user, channel.name, { target: channel.typed(target) });
    expect(started.body).toEqual(success({ challenge_id: anyString, expires_in: 600 }));
    const code = await delivered;
    const challengeId = (started.body['data'] as { challenge_id: string }).challenge_id;

    // Stored keyed-hashed: neither the code nor its plain SHA-256 is in the row.
    const row = await stack.subgraphs.member.database.fork().findOneOrFail(VerificationChallenge, challengeId);
    expect(row.codeHash).not.toContain(code);
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);

    expect(await me(stack, user)).toMatchObject({ [channel.verified]: false });
    const confirmed = await confirm(stack, user, channel.name, challengeId, code);
    expect({ status: confirmed.status, body: confirmed.body }).toEqual({ status: 200, body: success(null) });
    expect(await me(stack, user)).toMatchObject({ [channel.address]: target, [channel.verified]: true });

    // Single use.
    expect(outcome(await confirm(stack, user, channel.name, challengeId, code))).toEqual(refused(403, 29505000));
  });

  it('clears the verified flag when the address is changed later, and keeps it when it is not', async () => {
    const user = await stack.createUser();
    const target = channel.newTarget();
    const { challengeId, code } = await deliveredCode(stack, user, channel, target);
    expect((await confirm(stack, user, channel.name, challengeId, code)).status).toBe(200);
    const update = async (value: string) => {
      const answer = await stack.graphql<{ updateMyProfile: Record<string, unknown> }>(
        `mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { ${channel.field} ${channel.field}Verified } }`,
        { token: user.token, variables: { input: { [channel.field]: value } } },
      );
      expect(answer.errors).toBeUndefined();
      return answer.data?.updateMyProfile;
    };
    // The same address (for e-mail, also in another case) is the same address.
    const same = channel.name === 'email' ? target.toUpperCase() : target;
    expect(await update(same)).toEqual({ [channel.field]: target, [`${channel.field}Verified`]: true });
    const other = channel.newTarget();
    expect(await update(other)).toEqual({ [channel.field]: other, [`${channel.field}Verified`]: false });
    expect(await me(stack, user)).toMatchObject({ [channel.address]: other, [channel.verified]: false });
  });

  it('refuses a second code within the cooldown with 429 29604000 and Retry-After; after it, a new code works', async () => {
    const user = await stack.createUser();
    const target = channel.newTarget();
    const first = await deliveredCode(stack, user, channel, target);
    const again = await start(stack, user, channel.name, { target });
    expect(outcome(again)).toEqual(refused(429, 29604000));
    expect(typeof again.body['message']).toBe('string');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(50);

    await cooldownPassed(stack, first.challengeId);
    const second = await deliveredCode(stack, user, channel, target);
    // Only the newest code works: the first one died when the second arrived.
    expect(outcome(await confirm(stack, user, channel.name, first.challengeId, first.code))).toEqual(
      refused(403, 29505000),
    );
    expect((await confirm(stack, user, channel.name, second.challengeId, second.code)).status).toBe(200);
  });

  it('locks a challenge after 5 wrong codes, also when they arrive at once: 5 × 403, then 409 29309000', async () => {
    const user = await stack.createUser();
    const { challengeId, code } = await deliveredCode(stack, user, channel, channel.newTarget());
    const guesses = await Promise.all(
      Array.from({ length: 10 }, () => confirm(stack, user, channel.name, challengeId, wrongCode(code))),
    );
    const tally = guesses.map(outcome).reduce<Record<string, number>>((counts, o) => {
      const key = `${o.status} ${String(o.code)}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return counts;
    }, {});
    expect(tally).toEqual({ '403 29505000': 5, '409 29309000': 5 });
    // Locked: even the right code is refused now, and nothing was verified.
    expect(outcome(await confirm(stack, user, channel.name, challengeId, code))).toEqual(refused(409, 29309000));
    expect(await me(stack, user)).toMatchObject({ [channel.verified]: false });
    const row = await stack.subgraphs.member.database.fork().findOneOrFail(VerificationChallenge, challengeId);
    expect(row.failedAttempts).toBe(5);
  });

  it('says how many attempts are left after a wrong code', async () => {
    const user = await stack.createUser();
    const { challengeId, code } = await deliveredCode(stack, user, channel, channel.newTarget());
    const wrong = await confirm(stack, user, channel.name, challengeId, wrongCode(code));
    expect({ status: wrong.status, body: wrong.body }).toEqual({
      status: 403,
      body: { code: 29505000, message: 'The code is wrong; 4 attempts left' },
    });
    expect((await confirm(stack, user, channel.name, challengeId, code)).status).toBe(200);
  });

  it('refuses an expired code with 403 29505000', async () => {
    const user = await stack.createUser();
    const { challengeId, code } = await deliveredCode(stack, user, channel, channel.newTarget());
    await stack.subgraphs.member.database
      .fork()
      .nativeUpdate(VerificationChallenge, { id: challengeId }, { expiresAt: new Date(Date.now() - 1000) });
    expect(outcome(await confirm(stack, user, channel.name, challengeId, code))).toEqual(refused(403, 29505000));
  });

  it("refuses another tenant's, another member's or another purpose's challenge with 403 29505000", async () => {
    const owner = await stack.createUser({ tenantSlug: 'verify-home' });
    const { challengeId, code } = await deliveredCode(stack, owner, channel, channel.newTarget());
    const sameTenant = await stack.createUser({ tenantSlug: 'verify-home' });
    const otherTenant = await stack.createUser({ tenantSlug: 'verify-elsewhere' });
    const attempts = [
      confirm(stack, otherTenant, channel.name, challengeId, code),
      confirm(stack, sameTenant, channel.name, challengeId, code),
      confirm(stack, owner, channel.other, challengeId, code),
    ];
    for (const attempt of await Promise.all(attempts)) expect(outcome(attempt)).toEqual(refused(403, 29505000));
    // None of that spent the code or verified anyone.
    expect((await confirm(stack, owner, channel.name, challengeId, code)).status).toBe(200);
    expect(await me(stack, otherTenant)).toMatchObject({ [channel.verified]: false });
  });

  it('answers an unknown challenge with 404 29301000', async () => {
    const user = await stack.createUser();
    for (const challengeId of [randomUUID(), 'not-a-challenge'])
      expect(outcome(await confirm(stack, user, channel.name, challengeId, '123456'))).toEqual(refused(404, 29301000));
  });

  it('answers missing fields with 400 29104000 and malformed ones with 400 10101000, sending nothing', async () => {
    const user = await stack.createUser();
    const deliveries = { mail: mail.mails.length, sms: sms.received.length };
    const startWith = (body: unknown) => start(stack, user, channel.name, body);
    expect(outcome(await startWith({}))).toEqual(refused(400, 29104000));
    expect(outcome(await startWith({ target: '' }))).toEqual(refused(400, 29104000));
    expect(outcome(await startWith({ target: channel.malformedTarget }))).toEqual(refused(400, 10101000));
    expect(outcome(await startWith({ target: 42 }))).toEqual(refused(400, 10101000));
    expect(outcome(await confirm(stack, user, channel.name, undefined, '123456'))).toEqual(refused(400, 29104000));
    expect(outcome(await confirm(stack, user, channel.name, randomUUID(), undefined))).toEqual(refused(400, 29104000));
    expect(outcome(await confirm(stack, user, channel.name, randomUUID(), '12ab56'))).toEqual(refused(400, 10101000));
    expect(outcome(await confirm(stack, user, channel.name, 42, '123456'))).toEqual(refused(400, 10101000));
    expect({ mail: mail.mails.length, sms: sms.received.length }).toEqual(deliveries);
    expect(await me(stack, user)).toMatchObject({ [channel.verified]: false });
  });

  it('answers 500 29601000 when the provider refuses: no cooldown starts and the previous code still works', async () => {
    const user = await stack.createUser();
    const target = channel.newTarget();
    const previous = await deliveredCode(stack, user, channel, target);
    await cooldownPassed(stack, previous.challengeId);
    const delivered = channel.deliveredTo(target);
    channel.refuseDeliveries(true);
    try {
      const failed = await start(stack, user, channel.name, { target });
      expect({ status: failed.status, body: failed.body }).toEqual({
        status: 500,
        body: { code: 29601000, message: expect.stringMatching(/could not be reached/) as string },
      });
    } finally {
      channel.refuseDeliveries(false);
    }
    expect(channel.deliveredTo(target)).toBe(delivered);
    // The undelivered code superseded nothing: the one the member has still confirms.
    expect((await confirm(stack, user, channel.name, previous.challengeId, previous.code)).status).toBe(200);
    expect(await me(stack, user)).toMatchObject({ [channel.address]: target, [channel.verified]: true });
    // And it started no cooldown: asking again right away works.
    await deliveredCode(stack, user, channel, target);
  });

  it('answers 501 29605000 in production without a transport, storing nothing', async () => {
    const user = await unconfigured.createUser();
    const response = await start(unconfigured, user, channel.name, { target: channel.newTarget() });
    expect(outcome(response)).toEqual(refused(501, 29605000));
    // Nothing was stored, so nothing counts toward the limits.
    const rows = await unconfigured.subgraphs.member.database.fork().count(VerificationChallenge, { userId: user.id });
    expect(rows).toBe(0);
  });

  it('answers 401 29501000 to start and confirm without a valid bearer token', async () => {
    for (const path of ['start', 'confirm'])
      for (const token of [undefined, 'not-a-token']) {
        const response = await call(stack, 'POST', `/api/v1/members/me/verifications/${channel.name}/${path}`, {
          ...(token ? { token } : {}),
          body: { target: channel.newTarget(), challenge_id: randomUUID(), code: '123456' },
        });
        expect(outcome(response)).toEqual(refused(401, 29501000));
      }
  });

  describe('daily limits', () => {
    it('allows 3 codes a day per member, then answers 429 29310000', async () => {
      const user = await limited.createUser();
      for (let i = 0; i < 3; i++) await deliveredCode(limited, user, channel, channel.newTarget());
      expect(outcome(await start(limited, user, channel.name, { target: channel.newTarget() }))).toEqual(
        refused(429, 29310000),
      );
    });

    it('allows 2 codes a day per address across members, then answers 429 29310000', async () => {
      const target = channel.newTarget();
      const [a, b, c] = await Promise.all([limited.createUser(), limited.createUser(), limited.createUser()]);
      await deliveredCode(limited, a, channel, target);
      await deliveredCode(limited, b, channel, target);
      expect(outcome(await start(limited, c, channel.name, { target }))).toEqual(refused(429, 29310000));
      // Another address is still fine for that member.
      await deliveredCode(limited, c, channel, channel.newTarget());
    });

    it('counts codes requested at once exactly: 6 concurrent starts by one member give 3 codes', async () => {
      const user = await limited.createUser();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => start(limited, user, channel.name, { target: channel.newTarget() })),
      );
      expect(answers.map(outcome).sort((x, y) => x.status - y.status)).toEqual([
        refused(200, 102000),
        refused(200, 102000),
        refused(200, 102000),
        refused(429, 29310000),
        refused(429, 29310000),
        refused(429, 29310000),
      ]);
    });
  });
});

describe('GraphQL', () => {
  it('verifies a business e-mail with startBusinessEmailVerification and confirmBusinessEmailVerification', async () => {
    const user = await stack.createUser();
    const target = email.newTarget();
    const delivered = email.awaitCode(target);
    const started = await stack.graphql<{ startBusinessEmailVerification: { challengeId: string; expiresIn: number } }>(
      'mutation ($email: String!) { startBusinessEmailVerification(email: $email) { challengeId expiresIn } }',
      { token: user.token, variables: { email: target } },
    );
    expect(started.errors).toBeUndefined();
    const { challengeId } = started.data!.startBusinessEmailVerification;
    const confirmQuery =
      'mutation ($id: ID!, $code: String!) { confirmBusinessEmailVerification(challengeId: $id, code: $code) { businessEmail businessEmailVerified } }';
    const code = await delivered;

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
