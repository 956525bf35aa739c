import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { BackupCode } from '../../subgraphs/identity/src/mfa/backup-code.entity.js';
import { TotpFactor } from '../../subgraphs/identity/src/mfa/totp-factor.entity.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { codeOf, goodPassword, register, uniqueEmail } from './auth-helpers.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const tokenFields = 'accessToken refreshToken user { id }';
interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}

async function signUp() {
  const email = uniqueEmail('totp');
  const response = await register(stack, { email, password: goodPassword });
  expect(response.errors).toBeUndefined();
  return { email, ...response.data!.register };
}

function signIn(email: string, totpCode?: string) {
  return stack.graphql<{ login: SignedIn }>(
    `mutation ($input: LoginInput!) { login(input: $input) { ${tokenFields} } }`,
    {
      variables: { input: { email, password: goodPassword, ...(totpCode === undefined ? {} : { totpCode }) } },
    },
  );
}

function call<T>(token: string, query: string, variables: Record<string, unknown> = {}) {
  return stack.graphql<T>(query, { token, variables });
}

const verify = (token: string, code: string) =>
  call<{ verifyTotp: boolean }>(token, 'mutation ($c: String!) { verifyTotp(code: $c) }', { c: code });

/** A code that stays inside the ±1 step window until the server sees it: avoid a step's last 2 s. */
async function currentCode(secret: string): Promise<string> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 28) await new Promise((resolve) => setTimeout(resolve, (30 - intoStep) * 1000 + 50));
  return generate({ secret });
}

/**
 * Each time step is accepted once; rather than wait up to 30 s for the next one, forget the last
 * accepted step (what the next step would do).
 */
async function nextStep(userId: string): Promise<void> {
  await stack.subgraphs.identity.database.fork().nativeUpdate(TotpFactor, { user: userId }, { lastUsedStep: 0 });
}

function amrOf(accessToken: string): unknown {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as {
    amr?: unknown;
  };
  return claims.amr;
}

async function enroll(token: string) {
  const started = await call<{
    startTotpEnrollment: {
      otpauthUrl: string;
      issuer: string;
      account: string;
      digits: number;
      periodSeconds: number;
      expiresIn: number;
    };
  }>(token, 'mutation { startTotpEnrollment { otpauthUrl issuer account digits periodSeconds expiresIn } }');
  expect(started.errors).toBeUndefined();
  const enrollment = started.data!.startTotpEnrollment;
  const secret = new URL(enrollment.otpauthUrl).searchParams.get('secret')!;
  const confirmed = await call<{ confirmTotpEnrollment: { backupCodes: string[] } }>(
    token,
    'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
    { c: await currentCode(secret) },
  );
  expect(confirmed.errors).toBeUndefined();
  return { enrollment, secret, backupCodes: confirmed.data!.confirmTotpEnrollment.backupCodes };
}

describe('TOTP enrollment, sign-in and removal', () => {
  it('runs the whole life of an authenticator', async () => {
    const user = await signUp();
    const token = user.accessToken;

    // Wrong code and unknown enrollment first.
    expect(codeOf(await call(token, 'mutation { confirmTotpEnrollment(code: "123456") { backupCodes } }'))).toBe(
      'NOT_FOUND',
    );
    const { enrollment, secret, backupCodes } = await enroll(token);
    expect(enrollment).toMatchObject({
      issuer: 'membergraph',
      account: user.email,
      digits: 6,
      periodSeconds: 30,
      expiresIn: 600,
    });
    expect(enrollment.otpauthUrl).toMatch(/^otpauth:\/\/totp\/membergraph:/);
    expect(backupCodes).toHaveLength(10);
    for (const code of backupCodes) expect(code).toMatch(/^\d{8}$/);
    expect(codeOf(await call(token, 'mutation { startTotpEnrollment { issuer } }'))).toBe('TOTP_ALREADY_ENROLLED');

    const status = await call<{ myTotp: Record<string, unknown> }>(
      token,
      '{ myTotp { enrolled enrolledAt backupCodesRemaining digits periodSeconds } }',
    );
    expect(status.data?.myTotp).toMatchObject({
      enrolled: true,
      backupCodesRemaining: 10,
      digits: 6,
      periodSeconds: 30,
    });
    expect(status.data?.myTotp['enrolledAt']).toEqual(expect.any(String));

    // Sign-in: the password alone is not enough, and that is not a failed sign-in.
    const noCode = await signIn(user.email);
    expect(codeOf(noCode)).toBe('MFA_REQUIRED');
    expect(noCode.data?.login).toBeFalsy();
    expect(codeOf(await signIn(user.email, '000000'))).toBe('OTP_INVALID');
    await nextStep(user.user.id);
    const totpCode = await currentCode(secret);
    const withCode = await signIn(user.email, totpCode);
    expect(withCode.errors).toBeUndefined();
    expect(amrOf(withCode.data!.login.accessToken)).toEqual(['pwd', 'otp']);
    // The step just used is not accepted again.
    expect(codeOf(await signIn(user.email, totpCode))).toBe('OTP_INVALID');

    // A backup code works once.
    const backup = await signIn(user.email, backupCodes[0]);
    expect(backup.errors).toBeUndefined();
    expect(amrOf(backup.data!.login.accessToken)).toEqual(['pwd', 'otp']);
    expect(codeOf(await signIn(user.email, backupCodes[0]))).toBe('OTP_INVALID');

    // Regenerating kills the old codes.
    const regenerated = await call<{ regenerateBackupCodes: { backupCodes: string[] } }>(
      token,
      'mutation { regenerateBackupCodes { backupCodes } }',
    );
    const fresh = regenerated.data!.regenerateBackupCodes.backupCodes;
    expect(fresh).toHaveLength(10);
    expect(codeOf(await verify(token, backupCodes[1]!))).toBe('OTP_INVALID');
    const afterRegen = await call<{ myTotp: { backupCodesRemaining: number } }>(
      token,
      '{ myTotp { backupCodesRemaining } }',
    );
    expect(afterRegen.data?.myTotp.backupCodesRemaining).toBe(10);
    // Codes from before each named its key still count; one under a key no longer set does not.
    const codesEm = stack.subgraphs.identity.database.fork();
    await codesEm.nativeUpdate(BackupCode, { user: user.user.id }, { keyId: null });
    const [retired] = await codesEm.find(BackupCode, { user: user.user.id }, { limit: 1, orderBy: { id: 'asc' } });
    await codesEm.nativeUpdate(BackupCode, { id: retired!.id }, { keyId: '0123456789abcdef' });
    const remaining = await call<{ myTotp: { backupCodesRemaining: number } }>(
      token,
      '{ myTotp { backupCodesRemaining } }',
    );
    expect(remaining.data?.myTotp.backupCodesRemaining).toBe(9);

    // Disabling needs a recent verify in the same session.
    const session = withCode.data!.login.accessToken;
    expect(codeOf(await call(session, 'mutation { disableTotp }'))).toBe('FORBIDDEN');
    expect((await verify(token, fresh[0]!)).data?.verifyTotp).toBe(true);
    expect(codeOf(await call(session, 'mutation { disableTotp }'))).toBe('FORBIDDEN');
    await nextStep(user.user.id);
    expect((await verify(session, await currentCode(secret))).data?.verifyTotp).toBe(true);
    const disabled = await call<{ disableTotp: boolean }>(session, 'mutation { disableTotp }');
    expect(disabled.errors).toBeUndefined();
    expect(disabled.data?.disableTotp).toBe(true);

    const after = await call<{ myTotp: Record<string, unknown> }>(
      token,
      '{ myTotp { enrolled backupCodesRemaining } }',
    );
    expect(after.data?.myTotp).toEqual({ enrolled: false, backupCodesRemaining: 0 });
    expect(codeOf(await verify(token, '123456'))).toBe('TOTP_NOT_ENROLLED');
    const plain = await signIn(user.email);
    expect(plain.errors).toBeUndefined();
    expect(amrOf(plain.data!.login.accessToken)).toEqual(['pwd']);

    const em = stack.subgraphs.identity.database.fork();
    expect(await em.count(BackupCode, { user: user.user.id })).toBe(0);
    const types = (await em.find(OutboxEvent, { subjectUserId: user.user.id })).map((e) => e.type);
    expect(types).toContain('user.totp_enrolled');
    expect(types).toContain('user.totp_disabled');
  });

  it('refuses a wrong confirmation code and an expired enrollment', async () => {
    const user = await signUp();
    const started = await call<{ startTotpEnrollment: { otpauthUrl: string } }>(
      user.accessToken,
      'mutation { startTotpEnrollment { otpauthUrl } }',
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const confirm = async (code: string) =>
      codeOf(
        await call(user.accessToken, 'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }', {
          c: code,
        }),
      );
    const code = await currentCode(secret);
    expect(await confirm(code === '000000' ? '000001' : '000000')).toBe('OTP_INVALID');
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(TotpFactor, { user: user.user.id }, { pendingExpiresAt: new Date(Date.now() - 1000) });
    expect(await confirm(code)).toBe('NOT_FOUND');
    expect(codeOf(await verify(user.accessToken, code))).toBe('TOTP_NOT_ENROLLED');
  });

  it('counts a wrong code as a failed sign-in, not a missing one', async () => {
    const user = await signUp();
    await enroll(user.accessToken);
    const em = stack.subgraphs.identity.database.fork();
    const failures = async () =>
      (
        await em.execute<{ failed_login_count: number }[]>(
          'select failed_login_count from identity.user_account where id = ?',
          [user.user.id],
        )
      )[0]!.failed_login_count;
    expect(codeOf(await signIn(user.email))).toBe('MFA_REQUIRED');
    expect(await failures()).toBe(0);
    expect(codeOf(await signIn(user.email, '99999999'))).toBe('OTP_INVALID');
    expect(await failures()).toBe(1);
  });

  it('stores the secret sealed and the backup codes as keyed hashes', async () => {
    const user = await signUp();
    const { secret, backupCodes } = await enroll(user.accessToken);
    const em = stack.subgraphs.identity.database.fork();
    const [factor] = await em.execute<{ secret_sealed: string }[]>(
      'select secret_sealed from identity.totp_factor where user_id = ?',
      [user.user.id],
    );
    expect(factor!.secret_sealed).toMatch(/^v1\./);
    expect(factor!.secret_sealed).not.toContain(secret);
    const rows = await em.execute<{ code_hash: string }[]>(
      'select code_hash from identity.backup_code where user_id = ?',
      [user.user.id],
    );
    expect(rows).toHaveLength(10);
    const stored = rows.map((r) => r.code_hash).join(' ');
    for (const row of rows) expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const code of backupCodes) expect(stored).not.toContain(code);
  });
});

describe('completeMfaSignIn: the code without the password again', () => {
  const complete = (mfaTicket: string, totpCode: string) =>
    stack.graphql<{ completeMfaSignIn: SignedIn }>(
      `mutation ($t: String!, $c: String!) { completeMfaSignIn(mfaTicket: $t, totpCode: $c) { ${tokenFields} } }`,
      { variables: { t: mfaTicket, c: totpCode } },
    );
  const ticketOf = (response: Awaited<ReturnType<typeof signIn>>) =>
    (response.errors?.[0]?.extensions?.['details'] as { mfaTicket?: string } | undefined)?.mfaTicket;

  it('signs in with the ticket of MFA_REQUIRED and a code, with amr pwd+otp', async () => {
    const user = await signUp();
    const { secret, backupCodes } = await enroll(user.accessToken);
    await nextStep(user.user.id);
    const ticket = ticketOf(await signIn(user.email));
    expect(ticket).toEqual(expect.any(String));

    expect(codeOf(await complete(ticket!, '000000'))).toBe('OTP_INVALID');
    const done = await complete(ticket!, await currentCode(secret));
    expect(done.errors).toBeUndefined();
    expect(done.data?.completeMfaSignIn.user.id).toBe(user.user.id);
    expect(amrOf(done.data!.completeMfaSignIn.accessToken)).toEqual(['pwd', 'otp']);
    // A backup code completes it as well, once.
    const withBackup = await complete(ticket!, backupCodes[0]!);
    expect(withBackup.errors).toBeUndefined();
    expect(codeOf(await complete(ticket!, backupCodes[0]!))).toBe('OTP_INVALID');
  });

  it('refuses a forged, tampered or password-changed ticket with INVALID_TOKEN', async () => {
    const user = await signUp();
    const { secret } = await enroll(user.accessToken);
    const ticket = ticketOf(await signIn(user.email))!;
    const tampered = `${ticket.slice(0, -2)}${ticket.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(codeOf(await complete('not-a-ticket', await currentCode(secret)))).toBe('INVALID_TOKEN');
    expect(codeOf(await complete(tampered, await currentCode(secret)))).toBe('INVALID_TOKEN');
    // A password change voids tickets earned with the old password.
    const changed = await call(
      user.accessToken,
      'mutation ($o: String!, $n: String!) { changePassword(currentPassword: $o, newPassword: $n) }',
      { o: goodPassword, n: `${goodPassword}-renewed` },
    );
    expect(changed.errors).toBeUndefined();
    await nextStep(user.user.id);
    expect(codeOf(await complete(ticket, await currentCode(secret)))).toBe('INVALID_TOKEN');
  });
});

describe('concurrent use of one code', () => {
  it('accepts the same authenticator code once, however many arrive together', async () => {
    const user = await signUp();
    const { secret } = await enroll(user.accessToken);
    for (let round = 0; round < 3; round += 1) {
      await nextStep(user.user.id);
      const code = await currentCode(secret);
      const results = await Promise.all([verify(user.accessToken, code), verify(user.accessToken, code)]);
      expect(results.filter((r) => r.data?.verifyTotp === true)).toHaveLength(1);
      expect(results.filter((r) => codeOf(r) === 'OTP_INVALID')).toHaveLength(1);
    }
  });

  it('accepts the same backup code once, however many arrive together', async () => {
    const user = await signUp();
    const { backupCodes } = await enroll(user.accessToken);
    for (let round = 0; round < 3; round += 1) {
      const code = backupCodes[round]!;
      const results = await Promise.all([verify(user.accessToken, code), verify(user.accessToken, code)]);
      expect(results.filter((r) => r.data?.verifyTotp === true)).toHaveLength(1);
      expect(results.filter((r) => codeOf(r) === 'OTP_INVALID')).toHaveLength(1);
    }
  });

  it('signs in once with one authenticator code sent twice', async () => {
    const user = await signUp();
    const { secret } = await enroll(user.accessToken);
    await nextStep(user.user.id);
    const code = await currentCode(secret);
    const results = await Promise.all([signIn(user.email, code), signIn(user.email, code)]);
    expect(results.filter((r) => r.data?.login)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'OTP_INVALID')).toHaveLength(1);
  });
});

describe('an administrator removes a member’s authenticator', () => {
  const remove = (token: string, userId: string) =>
    call<{ removeUserAuthenticator: { id: string } }>(
      token,
      'mutation ($u: ID!) { removeUserAuthenticator(userId: $u) { id } }',
      { u: userId },
    );

  it('lets a member who lost the app sign in with the password, ends the member’s sessions, and records who did it', async () => {
    const member = await signUp();
    await enroll(member.accessToken);
    expect(codeOf(await signIn(member.email))).toBe('MFA_REQUIRED');

    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const otherTenantAdmin = await stack.createUser({
      role: 'GROUP_ADMIN',
      tenantSlug: 'totp-elsewhere',
      email: uniqueEmail('elsewhere-admin'),
    });
    const bystander = await signUp();
    // Only the member's administrators, and nobody on their own authenticator.
    expect(codeOf(await remove(bystander.accessToken, member.user.id))).toBe('FORBIDDEN');
    expect(codeOf(await remove(otherTenantAdmin.token, member.user.id))).toBe('NOT_FOUND');
    expect(codeOf(await remove(admin.token, admin.id))).toBe('FORBIDDEN');
    expect(codeOf(await signIn(member.email))).toBe('MFA_REQUIRED');

    const removed = await remove(admin.token, member.user.id);
    expect(removed.errors).toBeUndefined();
    expect(removed.data?.removeUserAuthenticator.id).toBe(member.user.id);

    // The lost device's session is over; the password alone signs in now.
    expect(codeOf(await call(member.accessToken, '{ myTotp { enrolled } }'))).toBe('INVALID_TOKEN');
    const plain = await signIn(member.email);
    expect(plain.errors).toBeUndefined();
    expect(amrOf(plain.data!.login.accessToken)).toEqual(['pwd']);
    const status = await call<{ myTotp: Record<string, unknown> }>(
      plain.data!.login.accessToken,
      '{ myTotp { enrolled backupCodesRemaining } }',
    );
    expect(status.data?.myTotp).toEqual({ enrolled: false, backupCodesRemaining: 0 });
    expect(codeOf(await remove(admin.token, member.user.id))).toBe('TOTP_NOT_ENROLLED');

    const events = await stack.subgraphs.identity.database
      .fork()
      .find(OutboxEvent, { subjectUserId: member.user.id, type: 'user.totp_disabled' });
    expect(events.map((event) => event.actorUserId)).toEqual([admin.id]);
  });
});
