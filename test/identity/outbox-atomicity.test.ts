import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupCode } from '../../subgraphs/identity/src/mfa/backup-code.entity.js';
import { TotpFactor } from '../../subgraphs/identity/src/mfa/totp-factor.entity.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { codeOf, goodPassword, login, register, uniqueEmail } from './auth-helpers.js';

/**
 * Transactional outbox (DESIGN §5): a change and the event that tells of it commit together. Here the
 * outbox refuses one event on purpose (a trigger, on this file's own database); the change it belongs
 * to must then not have happened either.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  const em = stack.subgraphs.identity.database.fork();
  await em.execute('create table "identity"."refused_event" (subject_user_id uuid not null, type text not null)');
  await em.execute(`
    create function "identity"."refuse_listed_event"() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from "identity"."refused_event" r
                 where r.subject_user_id = new.subject_user_id and r.type = new.type) then
        raise exception 'outbox refuses % for %', new.type, new.subject_user_id;
      end if;
      return new;
    end $$`);
  await em.execute(
    'create trigger refuse_listed_event before insert on "identity"."outbox_event" for each row execute function "identity"."refuse_listed_event"()',
  );
});
afterAll(async () => {
  await stack?.stop();
});

async function refuseEvent(subjectUserId: string, type: string) {
  await stack.subgraphs.identity.database
    .fork()
    .execute('insert into "identity"."refused_event" (subject_user_id, type) values (?, ?)', [subjectUserId, type]);
}

async function signUp() {
  const email = uniqueEmail('outbox');
  const response = await register(stack, { email, password: goodPassword });
  expect(response.errors).toBeUndefined();
  return { email, ...response.data!.register };
}

const account = (id: string) => stack.subgraphs.identity.database.fork().findOneOrFail(UserAccount, id);

async function enroll(token: string): Promise<string[]> {
  const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
    'mutation { startTotpEnrollment { otpauthUrl } }',
    { token },
  );
  const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
  const confirmed = await stack.graphql<{ confirmTotpEnrollment: { backupCodes: string[] } }>(
    'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
    { token, variables: { c: await generate({ secret }) } },
  );
  expect(confirmed.errors).toBeUndefined();
  return confirmed.data!.confirmTotpEnrollment.backupCodes;
}

describe('the sign-in throttle', () => {
  it('counts a wrong password only together with its user.login_failed event', async () => {
    const user = await signUp();
    await refuseEvent(user.user.id, 'user.login_failed');
    expect(codeOf(await login(stack, user.email, 'wrong-password-1'))).toBe('DATABASE_ERROR');
    expect((await account(user.user.id)).failedLoginCount).toBe(0);
  });

  it('starts a throttle only together with its user.login_throttled event', async () => {
    const user = await signUp();
    for (let i = 0; i < 4; i += 1)
      expect(codeOf(await login(stack, user.email, `wrong-${i}-x`))).toBe('INVALID_CREDENTIALS');
    await refuseEvent(user.user.id, 'user.login_throttled');
    expect(codeOf(await login(stack, user.email, 'wrong-5-x'))).toBe('DATABASE_ERROR');
    const after = await account(user.user.id);
    expect({ failures: after.failedLoginCount, throttledUntil: after.throttledUntil ?? null }).toEqual({
      failures: 4,
      throttledUntil: null,
    });
  });

  it('counts a wrong step-up code (verifyTotp) only together with its event', async () => {
    const user = await signUp();
    const backupCodes = await enroll(user.accessToken);
    await refuseEvent(user.user.id, 'user.login_failed');
    const wrong = ['00000000', '00000001'].find((code) => !backupCodes.includes(code))!;
    const answer = await stack.graphql('mutation ($c: String!) { verifyTotp(code: $c) }', {
      token: user.accessToken,
      variables: { c: wrong },
    });
    expect(codeOf(answer)).toBe('DATABASE_ERROR');
    expect((await account(user.user.id)).failedLoginCount).toBe(0);
  });
});

describe('deleting an account', () => {
  it('keeps the second factor when user.deleted cannot be recorded', async () => {
    const user = await signUp();
    await enroll(user.accessToken);
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    await refuseEvent(user.user.id, 'user.deleted');
    const deleted = await stack.graphql('mutation ($u: ID!) { deleteUser(userId: $u) }', {
      token: admin.token,
      variables: { u: user.user.id },
    });
    expect(codeOf(deleted)).toBe('DATABASE_ERROR');
    const em = stack.subgraphs.identity.database.fork();
    expect(await em.count(TotpFactor, { user: user.user.id })).toBe(1);
    expect(await em.count(BackupCode, { user: user.user.id })).toBe(10);
    expect((await account(user.user.id)).deletedAt ?? null).toBeNull();
  });
});
