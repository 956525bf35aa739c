import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordSetupTicket } from '../../subgraphs/identity/src/password-setup/password-setup-ticket.entity.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { codeOf, goodPassword, login, meId, uniqueEmail } from './auth-helpers.js';

let stack: TestStack;
let admin: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
});

/** An account as a provisioning service creates it: by subject, with no password. */
async function provisioned() {
  const email = uniqueEmail('provisioned');
  const response = await stack.graphql<{ upsertUserBySub: { user: { id: string } } }>(
    'mutation ($i: ProvisionUserInput!) { upsertUserBySub(input: $i) { user { id } } }',
    { token: admin.token, variables: { i: { userSub: `idp|${email}`, email } } },
  );
  expect(response.errors).toBeUndefined();
  return { id: response.data!.upsertUserBySub.user.id, email };
}

const issue = (token: string, userId: string) =>
  stack.graphql<{ issuePasswordSetup: { token: string; expiresAt: string } }>(
    'mutation ($u: ID!) { issuePasswordSetup(userId: $u) { token expiresAt } }',
    { token, variables: { u: userId } },
  );

const complete = (ticket: string, password: string) =>
  stack.graphql<{ completePasswordSetup: { accessToken: string; user: { id: string } } }>(
    'mutation ($t: String!, $p: String!) { completePasswordSetup(token: $t, newPassword: $p) { accessToken user { id } } }',
    { variables: { t: ticket, p: password } },
  );

describe('password setup for accounts provisioned without a password', () => {
  it('sets the password with a single-use ticket and signs the person in', async () => {
    const account = await provisioned();
    expect(codeOf(await login(stack, account.email, goodPassword))).toBe('INVALID_CREDENTIALS');
    const ticket = (await issue(admin.token, account.id)).data!.issuePasswordSetup;
    expect(new Date(ticket.expiresAt).getTime() - Date.now()).toBeGreaterThan(71 * 3600_000);

    const weak = await complete(ticket.token, 'password1');
    expect(codeOf(weak)).toBe('VALIDATION_FAILED');
    const done = await complete(ticket.token, goodPassword);
    expect(done.errors).toBeUndefined();
    expect(done.data!.completePasswordSetup.user.id).toBe(account.id);
    expect(await meId(stack, done.data!.completePasswordSetup.accessToken)).toMatchObject({
      status: 200,
      id: account.id,
    });
    expect(codeOf(await login(stack, account.email, goodPassword))).toBeUndefined();
    expect(codeOf(await complete(ticket.token, 'another-fine-phrase-3'))).toBe('INVALID_TOKEN');

    const rows = await stack.subgraphs.identity.database.fork().find(PasswordSetupTicket, { user: account.id });
    expect(rows.map((r) => r.tokenHash)).not.toContain(ticket.token);
  });

  it('is issued by system admins only; a new ticket voids the old; expired tickets are refused', async () => {
    const account = await provisioned();
    const user = await stack.createUser();
    expect(codeOf(await issue(user.token, account.id))).toBe('FORBIDDEN');
    const first = (await issue(admin.token, account.id)).data!.issuePasswordSetup.token;
    const second = (await issue(admin.token, account.id)).data!.issuePasswordSetup.token;
    expect(codeOf(await complete(first, goodPassword))).toBe('INVALID_TOKEN');
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(
        PasswordSetupTicket,
        { user: account.id, usedAt: null },
        { expiresAt: new Date(Date.now() - 1000) },
      );
    expect(codeOf(await complete(second, goodPassword))).toBe('INVALID_TOKEN');
  });

  it('lets exactly one of concurrent uses of a ticket win', async () => {
    const account = await provisioned();
    const ticket = (await issue(admin.token, account.id)).data!.issuePasswordSetup.token;
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => complete(ticket, `${goodPassword}-${i}`)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'INVALID_TOKEN')).toHaveLength(3);
  });
});
