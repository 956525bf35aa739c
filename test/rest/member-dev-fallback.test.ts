import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEVELOPMENT_AMR } from '../../subgraphs/identity/src/development/member-token.js';
import { Session } from '../../subgraphs/identity/src/session/session.entity.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import type { TestStack, TestUser } from '../support/stack.js';
import { memberAnswer, memberError, memberOk, startMemberStack } from './member-client.js';

/** seed 003's X-Tenant-ID + X-UID fallback: honoured with NODE_ENV=development, ignored otherwise. */
const TOTP = '/api/v1/members/me/totp';
const UNAUTHORIZED = memberError(401, 29501000);
const NOT_ENROLLED_STATUS = memberOk({ enrolled: false, backup_codes_remaining: 0, digits: 6, period_seconds: 30 });

const asMember = (member: Pick<TestUser, 'tenantId' | 'id'>) => ({
  'x-tenant-id': member.tenantId,
  'x-uid': member.id,
});

const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

function memberTokenUrl(stack: TestStack): string {
  return new URL('/development/member-token', stack.subgraphs.identity.url).toString();
}

describe('with NODE_ENV=development', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startMemberStack({ NODE_ENV: 'development', LOG_LEVEL: 'warn' }, { logDestination: logSink });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const devSessions = (userId: string) =>
    stack.subgraphs.identity.database.fork().count(Session, { user: userId, amr: { $contains: [DEVELOPMENT_AMR] } });

  it('warns once at startup that the fallback is active', () => {
    const lines = logLines.filter((line) => String(line['msg']).includes('Development fallback active'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!['level']).toBe(40);
  });

  it('answers for the member the headers name, through one cached session', async () => {
    const member = await stack.createUser();
    const other = await stack.createUser();
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).toEqual(NOT_ENROLLED_STATUS);
    const upperCase = { 'x-tenant-id': member.tenantId.toUpperCase(), 'x-uid': ` ${member.id.toUpperCase()} ` };
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: upperCase })).toEqual(NOT_ENROLLED_STATUS);

    // Enroll through the headers; the member's own bearer token sees the result, another member's does not.
    const started = await memberAnswer(stack, 'POST', `${TOTP}/enroll-start`, { headers: asMember(member) });
    expect(started.body['data']).toMatchObject({ account: member.email });
    const secret = new URL(String((started.body['data'] as Record<string, unknown>)['otpauth_url'])).searchParams.get(
      'secret',
    )!;
    const confirmed = await memberAnswer(stack, 'POST', `${TOTP}/enroll-confirm`, {
      headers: asMember(member),
      body: { code: await generate({ secret }) },
    });
    expect(confirmed.status).toBe(200);
    expect((await memberAnswer(stack, 'GET', TOTP, { token: member.token })).body['data']).toMatchObject({
      enrolled: true,
    });
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(other) })).toEqual(NOT_ENROLLED_STATUS);

    // verify and DELETE need the same session: the cached token keeps it.
    const backupCodes = (confirmed.body['data'] as { backup_codes: string[] }).backup_codes;
    const headers = asMember(member);
    expect(await memberAnswer(stack, 'POST', `${TOTP}/verify`, { headers, body: { code: backupCodes[0] } })).toEqual(
      memberOk(null),
    );
    expect(await memberAnswer(stack, 'DELETE', TOTP, { headers })).toEqual(memberOk(null));
    expect(await devSessions(member.id)).toBe(1);
  });

  it('opens one session for concurrent first requests', async () => {
    const member = await stack.createUser();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })),
    );
    for (const answer of answers) expect(answer).toEqual(NOT_ENROLLED_STATUS);
    expect(await devSessions(member.id)).toBe(1);
  });

  it('renews the cached token shortly before it expires', async () => {
    const member = await stack.createUser();
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).toEqual(NOT_ENROLLED_STATUS);
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).toEqual(NOT_ENROLLED_STATUS);
    expect(await devSessions(member.id)).toBe(1);
    // 29 of the token's 30 minutes later (by the gateway's clock): a new token, so a new session.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now + 29 * 60_000);
    try {
      expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).toEqual(NOT_ENROLLED_STATUS);
    } finally {
      clock.mockRestore();
    }
    expect(await devSessions(member.id)).toBe(2);
  });

  it('refuses a wrong tenant, an unknown member or malformed ids with 401 29501000', async () => {
    const member = await stack.createUser();
    const elsewhere = await stack.createUser({ tenantSlug: `dev-other-${randomUUID()}` });
    expect(elsewhere.tenantId).not.toBe(member.tenantId);
    for (const headers of [
      { 'x-tenant-id': elsewhere.tenantId, 'x-uid': member.id },
      { 'x-tenant-id': member.tenantId, 'x-uid': randomUUID() },
      { 'x-tenant-id': randomUUID(), 'x-uid': member.id },
      { 'x-tenant-id': 'not-a-uuid', 'x-uid': member.id },
      { 'x-tenant-id': member.tenantId, 'x-uid': "1' or '1'='1" },
    ])
      expect(await memberAnswer(stack, 'GET', TOTP, { headers })).toEqual(UNAUTHORIZED);
    expect(await devSessions(member.id)).toBe(0);
  });

  it('refuses one header without the other, and none at all, with 401 29501000', async () => {
    const member = await stack.createUser();
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: { 'x-tenant-id': member.tenantId } })).toEqual(
      UNAUTHORIZED,
    );
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: { 'x-uid': member.id } })).toEqual(UNAUTHORIZED);
    expect(await memberAnswer(stack, 'GET', TOTP)).toEqual(UNAUTHORIZED);
  });

  it('lets an Authorization header decide whenever one is sent', async () => {
    const member = await stack.createUser();
    const other = await stack.createUser();
    expect(
      await memberAnswer(stack, 'GET', TOTP, { headers: { ...asMember(member), authorization: 'Bearer not-a-token' } }),
    ).toEqual(UNAUTHORIZED);
    // A valid bearer names the member; the headers are not looked at.
    const started = await memberAnswer(stack, 'POST', `${TOTP}/enroll-start`, {
      token: other.token,
      headers: asMember(member),
    });
    expect(started.body['data']).toMatchObject({ account: other.email });
    expect(await devSessions(member.id)).toBe(0);
  });

  it('still checks revocation: an ended session is replaced, a deactivated member refused', async () => {
    const member = await stack.createUser();
    expect((await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).status).toBe(200);
    const em = stack.subgraphs.identity.database.fork();
    await stack.identity.sessions.revokeUserSessions(em, member.id, 'logout');
    await em.flush();
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).toEqual(NOT_ENROLLED_STATUS);
    expect(await devSessions(member.id)).toBe(2);

    await em.nativeUpdate(UserAccount, { id: member.id }, { isActive: false });
    await stack.identity.sessions.revokeUserSessions(em, member.id, 'deactivated');
    await em.flush();
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).toEqual(UNAUTHORIZED);
  });

  it.each([
    ['email', `dev-${randomUUID()}@example.com`],
    ['phone', `+8869${String(Date.now() % 1e8).padStart(8, '0')}`],
  ] as const)(
    'logs the %s code instead of sending it (no transport configured); it confirms',
    async (channel, target) => {
      const member = await stack.createUser();
      const started = await memberAnswer(stack, 'POST', `/api/v1/members/me/verifications/${channel}/start`, {
        headers: asMember(member),
        body: { target },
      });
      expect(started.status).toBe(200);
      const line = logLines.find((l) => l['to'] === target);
      expect(line).toMatchObject({ level: 40, channel: channel === 'email' ? 'email' : 'sms' });
      const code = /\b(\d{6})\b/.exec(String(line?.['text']))?.[1];
      const { challenge_id: challengeId } = started.body['data'] as { challenge_id: string };
      expect(
        await memberAnswer(stack, 'POST', `/api/v1/members/me/verifications/${channel}/confirm`, {
          headers: asMember(member),
          body: { challenge_id: challengeId, code },
        }),
      ).toEqual(memberOk(null));
      const verified = channel === 'email' ? 'business_email_verified' : 'business_phone_verified';
      expect(
        (await memberAnswer(stack, 'GET', '/api/v1/members/me', { token: member.token })).body['data'],
      ).toMatchObject({ [verified]: true });
    },
  );

  it("serves identity's token endpoint on its private port only", async () => {
    const member = await stack.createUser();
    const direct = await fetch(memberTokenUrl(stack), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: member.tenantId, userId: member.id }),
    });
    expect(direct.status).toBe(200);
    expect(await direct.json()).toEqual({ outcome: 'ok', accessToken: expect.any(String) as string, expiresIn: 1800 });
    const viaGateway = await fetch(`${stack.gatewayUrl}/development/member-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: member.tenantId, userId: member.id }),
    });
    expect(viaGateway.status).toBe(404);
  });
});

describe('with NODE_ENV=test (the default test stack)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startMemberStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('ignores X-Tenant-ID + X-UID: 401 29501000', async () => {
    const member = await stack.createUser();
    expect(await memberAnswer(stack, 'GET', TOTP, { headers: asMember(member) })).toEqual(UNAUTHORIZED);
    expect(await memberAnswer(stack, 'POST', `${TOTP}/enroll-start`, { headers: asMember(member) })).toEqual(
      UNAUTHORIZED,
    );
    // The bearer still works as usual.
    expect(await memberAnswer(stack, 'GET', TOTP, { token: member.token })).toEqual(NOT_ENROLLED_STATUS);
  });

  it('has no development token endpoint in identity', async () => {
    const member = await stack.createUser();
    const response = await fetch(memberTokenUrl(stack), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: member.tenantId, userId: member.id }),
    });
    expect(response.status).toBe(404);
  });
});
