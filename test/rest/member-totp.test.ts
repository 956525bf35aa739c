import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupCode } from '../../subgraphs/identity/src/mfa/backup-code.entity.js';
import { TotpFactor } from '../../subgraphs/identity/src/mfa/totp-factor.entity.js';
import { Session } from '../../subgraphs/identity/src/session/session.entity.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { codeOf, goodPassword, login } from '../identity/auth-helpers.js';
import type { TestStack } from '../support/stack.js';
import {
  callMember,
  deleteMember,
  memberAnswer,
  memberError,
  memberOk,
  startMemberStack,
  unrevokedToken,
} from './member-client.js';
import { signUp } from './oauth-client.js';

/** seed 003 `/api/v1/members/me/totp*` through the gateway: exact envelopes and codes, real HTTP. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startMemberStack();
});
afterAll(async () => {
  await stack?.stop();
});

const TOTP = '/api/v1/members/me/totp';
const status = (token: string) => memberAnswer(stack, 'GET', TOTP, { token });
const enrollStart = (token: string) => memberAnswer(stack, 'POST', `${TOTP}/enroll-start`, { token });
const enrollConfirm = (token: string, body?: unknown) =>
  memberAnswer(stack, 'POST', `${TOTP}/enroll-confirm`, { token, body });
const verify = (token: string, body?: unknown) => memberAnswer(stack, 'POST', `${TOTP}/verify`, { token, body });
const regenerate = (token: string) => memberAnswer(stack, 'POST', `${TOTP}/backup-codes`, { token });
const disable = (token: string) => memberAnswer(stack, 'DELETE', TOTP, { token });

const UNAUTHORIZED = memberError(401, 29501000);
const FIELD_REQUIRED = memberError(400, 29104000);
const MALFORMED = memberError(400, 10101000);
const CODE_INVALID = memberError(403, 29505000);
const NOT_FOUND = memberError(404, 29301000);
const ALREADY_ENROLLED = memberError(409, 29303000);
const NOT_ENROLLED = memberError(409, 29309000);
const THROTTLED = memberError(429, 29604000);

/** A code that stays inside the ±1 step window until the server sees it: avoid a step's last 2 s. */
async function currentCode(secret: string): Promise<string> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 28) await new Promise((resolve) => setTimeout(resolve, (30 - intoStep) * 1000 + 50));
  return generate({ secret });
}

/** A 6-digit code that is not the current one (nor, by the odds, a neighbour's). */
async function wrongCode(secret: string): Promise<string> {
  const right = await generate({ secret });
  return String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
}

/**
 * Each time step is accepted once; rather than wait up to 30 s for the next one, forget the last
 * accepted step (what the next step would do).
 */
async function nextStep(userId: string): Promise<void> {
  await stack.subgraphs.identity.database.fork().nativeUpdate(TotpFactor, { user: userId }, { lastUsedStep: 0 });
}

function secretOf(otpauthUrl: unknown): string {
  return new URL(String(otpauthUrl)).searchParams.get('secret')!;
}

/** enroll-start, then enroll-confirm with the code otplib computes from the URL's secret. */
async function enroll(token: string) {
  const started = await enrollStart(token);
  expect(started.status).toBe(200);
  const secret = secretOf((started.body['data'] as Record<string, unknown>)['otpauth_url']);
  const confirmed = await enrollConfirm(token, { code: await currentCode(secret) });
  expect(confirmed.status).toBe(200);
  const backupCodes = (confirmed.body['data'] as { backup_codes: string[] }).backup_codes;
  return { secret, backupCodes };
}

describe('GET /api/v1/members/me/totp', () => {
  it('answers not enrolled without enrolled_at', async () => {
    const member = await stack.createUser();
    expect(await status(member.token)).toEqual(
      memberOk({ enrolled: false, backup_codes_remaining: 0, digits: 6, period_seconds: 30 }),
    );
  });

  it('answers enrolled with enrolled_at in Unix milliseconds and the unused backup codes', async () => {
    const member = await stack.createUser();
    const before = Date.now();
    const { backupCodes } = await enroll(member.token);
    const after = Date.now();
    const answer = await status(member.token);
    expect(answer).toEqual(
      memberOk({
        enrolled: true,
        enrolled_at: expect.any(Number) as number,
        backup_codes_remaining: 10,
        digits: 6,
        period_seconds: 30,
      }),
    );
    const enrolledAt = (answer.body['data'] as { enrolled_at: number }).enrolled_at;
    expect(Number.isInteger(enrolledAt)).toBe(true);
    expect(enrolledAt).toBeGreaterThanOrEqual(before - 5_000);
    expect(enrolledAt).toBeLessThanOrEqual(after + 5_000);

    expect(await verify(member.token, { code: backupCodes[0] })).toEqual(memberOk(null));
    expect((await status(member.token)).body['data']).toMatchObject({ backup_codes_remaining: 9 });
  });
});

describe('POST /api/v1/members/me/totp/enroll-start', () => {
  it('answers the otpauth URL and its parameters', async () => {
    const member = await stack.createUser();
    const answer = await enrollStart(member.token);
    expect(answer).toEqual(
      memberOk({
        otpauth_url: expect.stringMatching(/^otpauth:\/\/totp\/membergraph:/) as string,
        issuer: 'membergraph',
        account: member.email,
        digits: 6,
        period_seconds: 30,
        expires_in: 600,
      }),
    );
    expect(secretOf((answer.body['data'] as Record<string, unknown>)['otpauth_url'])).toMatch(/^[A-Z2-7]+=*$/);
  });

  it('refuses a member already enrolled with 409 29303000', async () => {
    const member = await stack.createUser();
    await enroll(member.token);
    expect(await enrollStart(member.token)).toEqual(ALREADY_ENROLLED);
  });
});

describe('POST /api/v1/members/me/totp/enroll-confirm', () => {
  it('confirms with the current code: 10 backup codes, then the status says enrolled', async () => {
    const member = await stack.createUser();
    const started = await enrollStart(member.token);
    const secret = secretOf((started.body['data'] as Record<string, unknown>)['otpauth_url']);
    const confirmed = await enrollConfirm(member.token, { code: await currentCode(secret) });
    expect(confirmed).toEqual(memberOk({ backup_codes: expect.any(Array) as string[] }));
    const codes = (confirmed.body['data'] as { backup_codes: string[] }).backup_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    expect((await status(member.token)).body['data']).toMatchObject({ enrolled: true, backup_codes_remaining: 10 });
  });

  it('answers 29104000 when code is missing or blank', async () => {
    const member = await stack.createUser();
    await enrollStart(member.token);
    expect(await enrollConfirm(member.token)).toEqual(FIELD_REQUIRED);
    expect(await enrollConfirm(member.token, {})).toEqual(FIELD_REQUIRED);
    expect(await enrollConfirm(member.token, { code: '' })).toEqual(FIELD_REQUIRED);
    expect(await enrollConfirm(member.token, { code: '  ' })).toEqual(FIELD_REQUIRED);
  });

  it('answers 10101000 when code or the body is malformed', async () => {
    const member = await stack.createUser();
    await enrollStart(member.token);
    for (const code of [123456, null, 'abcdef', '12345', '1234567', '12345678'])
      expect(await enrollConfirm(member.token, { code })).toEqual(MALFORMED);
    expect(await enrollConfirm(member.token, '{"code": ')).toEqual(MALFORMED);
    expect(await enrollConfirm(member.token, [])).toEqual(MALFORMED);
  });

  it('refuses a wrong code with 403 29505000 and keeps the enrollment pending', async () => {
    const member = await stack.createUser();
    const started = await enrollStart(member.token);
    const secret = secretOf((started.body['data'] as Record<string, unknown>)['otpauth_url']);
    expect(await enrollConfirm(member.token, { code: await wrongCode(secret) })).toEqual(CODE_INVALID);
    expect((await status(member.token)).body['data']).toMatchObject({ enrolled: false });
    // Separators people type are tolerated.
    const code = await currentCode(secret);
    expect((await enrollConfirm(member.token, { code: `${code.slice(0, 3)} ${code.slice(3)}` })).status).toBe(200);
  });

  it('answers 404 29301000 when no enrollment is pending, or it expired', async () => {
    const member = await stack.createUser();
    expect(await enrollConfirm(member.token, { code: '123456' })).toEqual(NOT_FOUND);
    const started = await enrollStart(member.token);
    const secret = secretOf((started.body['data'] as Record<string, unknown>)['otpauth_url']);
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(TotpFactor, { user: member.id }, { pendingExpiresAt: new Date(Date.now() - 1000) });
    expect(await enrollConfirm(member.token, { code: await currentCode(secret) })).toEqual(NOT_FOUND);
  });

  it('refuses a member already enrolled with 409 29303000', async () => {
    const member = await stack.createUser();
    const { secret } = await enroll(member.token);
    expect(await enrollConfirm(member.token, { code: await currentCode(secret) })).toEqual(ALREADY_ENROLLED);
  });
});

describe('POST /api/v1/members/me/totp/verify', () => {
  it('accepts an authenticator code once and a backup code once; answers data null', async () => {
    const member = await stack.createUser();
    const { secret, backupCodes } = await enroll(member.token);
    await nextStep(member.id);
    const code = await currentCode(secret);
    expect(await verify(member.token, { code })).toEqual(memberOk(null));
    expect(await verify(member.token, { code })).toEqual(CODE_INVALID);
    expect(await verify(member.token, { code: backupCodes[0] })).toEqual(memberOk(null));
    expect(await verify(member.token, { code: backupCodes[0] })).toEqual(CODE_INVALID);
    expect(await verify(member.token, { code: `${backupCodes[1]!.slice(0, 4)}-${backupCodes[1]!.slice(4)}` })).toEqual(
      memberOk(null),
    );
  });

  it('refuses a wrong code with 403 29505000', async () => {
    const member = await stack.createUser();
    const { secret, backupCodes } = await enroll(member.token);
    await nextStep(member.id);
    expect(await verify(member.token, { code: await wrongCode(secret) })).toEqual(CODE_INVALID);
    const unknownBackup = backupCodes[0] === '00000000' ? '00000001' : '00000000';
    expect(await verify(member.token, { code: unknownBackup })).toEqual(CODE_INVALID);
  });

  it('answers 29104000 for a missing code and 10101000 for a malformed one', async () => {
    const member = await stack.createUser();
    await enroll(member.token);
    expect(await verify(member.token)).toEqual(FIELD_REQUIRED);
    expect(await verify(member.token, { code: '' })).toEqual(FIELD_REQUIRED);
    for (const code of [12345678, 'abcdefgh', '1234567', '123456789', true])
      expect(await verify(member.token, { code })).toEqual(MALFORMED);
  });

  it('answers 409 29309000 when no authenticator is enrolled', async () => {
    const member = await stack.createUser();
    expect(await verify(member.token, { code: '123456' })).toEqual(NOT_ENROLLED);
    // A pending enrollment is not an enrolled one.
    await enrollStart(member.token);
    expect(await verify(member.token, { code: '12345678' })).toEqual(NOT_ENROLLED);
  });

  it('accepts the same authenticator code sent twice at once exactly once', async () => {
    const member = await stack.createUser();
    const { secret } = await enroll(member.token);
    for (let round = 0; round < 3; round += 1) {
      await nextStep(member.id);
      const code = await currentCode(secret);
      const results = await Promise.all([verify(member.token, { code }), verify(member.token, { code })]);
      expect(results.filter((r) => r.status === 200)).toEqual([memberOk(null)]);
      expect(results.filter((r) => r.status !== 200)).toEqual([CODE_INVALID]);
    }
  });

  it('accepts the same backup code sent twice at once exactly once', async () => {
    const member = await stack.createUser();
    const { backupCodes } = await enroll(member.token);
    for (let round = 0; round < 3; round += 1) {
      const code = backupCodes[round];
      const results = await Promise.all([verify(member.token, { code }), verify(member.token, { code })]);
      expect(results.filter((r) => r.status === 200)).toEqual([memberOk(null)]);
      expect(results.filter((r) => r.status !== 200)).toEqual([CODE_INVALID]);
    }
    const em = stack.subgraphs.identity.database.fork();
    expect(await em.count(BackupCode, { user: member.id, usedAt: null })).toBe(7);
  });
});

describe('POST /api/v1/members/me/totp/verify: wrong codes count towards the sign-in throttle', () => {
  /** 8-digit codes that are none of the member's backup codes: certainly wrong. */
  const wrongBackupCodes = (backupCodes: readonly string[], count: number) =>
    Array.from({ length: count + backupCodes.length }, (_, i) => String(i).padStart(8, '0'))
      .filter((code) => !backupCodes.includes(code))
      .slice(0, count);

  it('refuses the 6th attempt with 429 29604000 and Retry-After, even with a right code, and sign-in too', async () => {
    const account = await signUp(stack, 'totp-throttle');
    const { backupCodes } = await enroll(account.accessToken);
    for (const code of wrongBackupCodes(backupCodes, 5))
      expect(await verify(account.accessToken, { code })).toEqual(CODE_INVALID);

    const throttled = await callMember(stack, 'POST', `${TOTP}/verify`, {
      token: account.accessToken,
      body: { code: backupCodes[0] },
    });
    expect({ status: throttled.status, body: throttled.body }).toEqual(THROTTLED);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // The right code was not spent, no step-up was granted, and the password alone is throttled too.
    expect((await status(account.accessToken)).body['data']).toMatchObject({ backup_codes_remaining: 10 });
    expect(await disable(account.accessToken)).toEqual(CODE_INVALID);
    expect(codeOf(await login(stack, account.email, goodPassword))).toBe('RATE_LIMITED');
    const graphql = await stack.graphql('mutation ($c: String!) { verifyTotp(code: $c) }', {
      token: account.accessToken,
      variables: { c: backupCodes[1] },
    });
    expect(graphql.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: retryAfter },
    });

    // Once the throttle has run out, the right code works again.
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(UserAccount, { id: account.id }, { throttledUntil: new Date(Date.now() - 1000) });
    expect(await verify(account.accessToken, { code: backupCodes[0] })).toEqual(memberOk(null));
  });

  it('judges 10 wrong codes sent at once one by one: 5 × 403, then 5 × 429', async () => {
    const member = await stack.createUser();
    const { secret, backupCodes } = await enroll(member.token);
    const guesses = [...wrongBackupCodes(backupCodes, 8), await wrongCode(secret), await wrongCode(secret)];
    const answers = await Promise.all(guesses.map((code) => verify(member.token, { code })));
    const tally = answers.reduce<Record<number, number>>(
      (counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }),
      {},
    );
    expect(tally).toEqual({ 403: 5, 429: 5 });
    for (const answer of answers) expect([CODE_INVALID, THROTTLED]).toContainEqual(answer);
    const account = await stack.subgraphs.identity.database.fork().findOneOrFail(UserAccount, member.id);
    expect(account.failedLoginCount).toBe(5);
  });
});

describe('POST /api/v1/members/me/totp/backup-codes', () => {
  it('issues 10 new codes; the old ones are refused, the new ones work', async () => {
    const member = await stack.createUser();
    const { backupCodes: old } = await enroll(member.token);
    expect(await verify(member.token, { code: old[0] })).toEqual(memberOk(null));
    const answer = await regenerate(member.token);
    expect(answer).toEqual(memberOk({ backup_codes: expect.any(Array) as string[] }));
    const fresh = (answer.body['data'] as { backup_codes: string[] }).backup_codes;
    expect(fresh).toHaveLength(10);
    for (const code of fresh) expect(code).toMatch(/^\d{8}$/);
    expect((await status(member.token)).body['data']).toMatchObject({ backup_codes_remaining: 10 });
    for (const code of old.filter((c) => !fresh.includes(c)).slice(0, 3))
      expect(await verify(member.token, { code })).toEqual(CODE_INVALID);
    expect(await verify(member.token, { code: fresh[0] })).toEqual(memberOk(null));
  });

  it('answers 409 29309000 when no authenticator is enrolled', async () => {
    const member = await stack.createUser();
    expect(await regenerate(member.token)).toEqual(NOT_ENROLLED);
  });

  it('answers 404 29301000 for an account deleted since its token was issued', async () => {
    const member = await stack.createUser();
    await enroll(member.token);
    await deleteMember(stack, member);
    expect(await regenerate(await unrevokedToken(stack, member))).toEqual(NOT_FOUND);
  });
});

describe('DELETE /api/v1/members/me/totp', () => {
  it('needs a verify in the same session within 10 minutes, then removes the authenticator', async () => {
    // Two sessions of one member: signed up, then signed in again.
    const account = await signUp(stack, 'totp-delete');
    const signedIn = await login(stack, account.email, goodPassword);
    expect(signedIn.errors).toBeUndefined();
    const first = account.accessToken;
    const second = signedIn.data!.login.accessToken;
    const { backupCodes } = await enroll(first);

    expect(await disable(first)).toEqual(CODE_INVALID);
    // A verify in another session does not count for this one.
    expect(await verify(second, { code: backupCodes[0] })).toEqual(memberOk(null));
    expect(await disable(first)).toEqual(CODE_INVALID);
    // Nor does one more than 10 minutes ago.
    expect(await verify(first, { code: backupCodes[1] })).toEqual(memberOk(null));
    const em = stack.subgraphs.identity.database.fork();
    const sessionOf = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }).sid;
    await em.nativeUpdate(Session, { id: sessionOf(first) }, { stepUpAt: new Date(Date.now() - 11 * 60_000) });
    expect(await disable(first)).toEqual(CODE_INVALID);

    expect(await verify(first, { code: backupCodes[2] })).toEqual(memberOk(null));
    expect(await disable(first)).toEqual(memberOk(null));
    expect(await status(first)).toEqual(
      memberOk({ enrolled: false, backup_codes_remaining: 0, digits: 6, period_seconds: 30 }),
    );
    expect(await em.count(BackupCode, { user: account.id })).toBe(0);
    expect(await verify(first, { code: backupCodes[3] })).toEqual(NOT_ENROLLED);
    // Enrolling again works once removed.
    expect((await enrollStart(first)).status).toBe(200);
  });

  it('answers 409 29309000 when no authenticator is enrolled', async () => {
    const member = await stack.createUser();
    expect(await disable(member.token)).toEqual(NOT_ENROLLED);
  });

  it('answers 404 29301000 for an account deleted since its token was issued', async () => {
    const member = await stack.createUser();
    await enroll(member.token);
    await deleteMember(stack, member);
    const token = await unrevokedToken(stack, member);
    expect(await disable(token)).toEqual(NOT_FOUND);
    // Nor can such a token enroll a new authenticator for it.
    expect(await enrollStart(token)).toEqual(NOT_FOUND);
  });
});

describe('authentication of /api/v1/members/me/totp*', () => {
  const routes: [method: string, path: string, body?: unknown][] = [
    ['GET', TOTP],
    ['POST', `${TOTP}/enroll-start`],
    ['POST', `${TOTP}/enroll-confirm`, { code: '123456' }],
    ['POST', `${TOTP}/verify`, { code: '123456' }],
    ['POST', `${TOTP}/backup-codes`],
    ['DELETE', TOTP],
  ];

  it.each(routes)('%s %s without a bearer answers 401 29501000', async (method, path, body) => {
    expect(await memberAnswer(stack, method, path, { body })).toEqual(UNAUTHORIZED);
  });

  it.each(routes)('%s %s with a malformed or foreign bearer answers 401 29501000', async (method, path, body) => {
    for (const authorization of ['Bearer not-a-token', 'Bearer a.b.c', 'Basic dXNlcjpwYXNz', 'Bearer'])
      expect(await memberAnswer(stack, method, path, { body, headers: { authorization } })).toEqual(UNAUTHORIZED);
  });

  it('refuses the token of a session that has ended', async () => {
    const member = await stack.createUser();
    expect((await status(member.token)).status).toBe(200);
    const loggedOut = await stack.graphql('mutation { logout }', { token: member.token });
    expect(loggedOut.errors).toBeUndefined();
    expect(await status(member.token)).toEqual(UNAUTHORIZED);
  });

  it('answers in the member envelope with a request id', async () => {
    const member = await stack.createUser();
    const response = await callMember(stack, 'GET', TOTP, { token: member.token });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});
