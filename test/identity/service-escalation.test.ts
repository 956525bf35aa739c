import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../lib/auth/principal.js';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { PasswordSetupTicket } from '../../subgraphs/identity/src/password-setup/password-setup-ticket.entity.js';
import { insertAccountWithToken } from '../support/account-fixture.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { createClient, forbidden, internal, type ClientKeys } from '../rest/internal-client.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { codeOf, goodPassword, login, meId, refresh, uniqueEmail, type Tokens } from './auth-helpers.js';

/**
 * A service (an API client) acts on ordinary accounts only: holding `users:write` must not let it
 * take over an administrator, by a password-setup ticket or by provisioning by subject. Each refusal
 * is shown next to the same call succeeding for an ordinary account, so refusing everything fails.
 */
let stack: TestStack;
let root: TestUser;
/** users:write and users:read: provisioning that reads the account back. */
let service: ClientKeys;
/** users:write alone: the ensure paths. */
let ensurer: ClientKeys;

beforeAll(async () => {
  stack = await startTestStack();
  root = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  service = await createClient(stack, root, ['users:write', 'users:read']);
  ensurer = await createClient(stack, root, ['users:write']);
});
afterAll(async () => {
  await stack?.stop();
});

interface Person {
  readonly id: string;
  readonly email: string;
  /** Set for accounts provisioned by subject. */
  readonly sub?: string;
  tokens: Tokens;
}

const identityEm = () => stack.subgraphs.identity.database.fork();

const issue = (variables: { u: string }, caller: { token: string } | ClientKeys) =>
  stack.graphql<{ issuePasswordSetup: { token: string } }>(
    'mutation ($u: ID!) { issuePasswordSetup(userId: $u) { token } }',
    'token' in caller ? { token: caller.token, variables } : { headers: caller, variables },
  );

const complete = (ticket: string, password: string) =>
  stack.graphql<{ completePasswordSetup: { accessToken: string; user: { id: string; role: string } } }>(
    'mutation ($t: String!, $p: String!) { completePasswordSetup(token: $t, newPassword: $p) { accessToken user { id role } } }',
    { variables: { t: ticket, p: password } },
  );

type Upserted = { upsertUserBySub: { action: string; user: { id: string; email: string; isActive: boolean } } };
/** The account is read back only by callers that may read users; `ensurer` asks for ids alone. */
const upsert = (input: Record<string, unknown>, caller: { token: string } | ClientKeys = service) =>
  stack.graphql<Upserted>(
    caller === ensurer
      ? 'mutation ($i: ProvisionUserInput!) { upsertUserBySub(input: $i) { action idpUserId } }'
      : 'mutation ($i: ProvisionUserInput!) { upsertUserBySub(input: $i) { action user { id email isActive } } }',
    'token' in caller ? { token: caller.token, variables: { i: input } } : { headers: caller, variables: { i: input } },
  );

async function setRole(userId: string, role: Role) {
  const response = await stack.graphql('mutation ($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id } }', {
    token: root.token,
    variables: { u: userId, r: role },
  });
  expect(response.errors).toBeUndefined();
}

async function signIn(email: string, password = goodPassword): Promise<Tokens> {
  const response = await login(stack, email, password);
  expect(response.errors).toBeUndefined();
  return response.data!.login;
}

/** An account inserted with a password (any role), signed in: a real session with a refresh token. */
async function withPassword(role: Role): Promise<Person> {
  const account = await insertAccountWithToken(
    { database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys },
    { role, email: uniqueEmail(role.toLowerCase()), password: goodPassword },
  );
  return { id: account.id, email: account.email, tokens: await signIn(account.email) };
}

/**
 * An account a service provisioned by subject, given a password by a system admin's ticket, then
 * given `role` and signed in again (a role change ends its sessions).
 */
async function provisioned(role: Role, label = role.toLowerCase()): Promise<Person & { sub: string }> {
  const email = uniqueEmail(`idp-${label}`);
  const sub = `idp|${email}`;
  const created = await upsert({ userSub: sub, email, displayName: 'Original' });
  expect(created.errors).toBeUndefined();
  const id = created.data!.upsertUserBySub.user.id;
  const ticket = await issue({ u: id }, root);
  expect((await complete(ticket.data!.issuePasswordSetup.token, goodPassword)).errors).toBeUndefined();
  if (role !== 'USER') await setRole(id, role);
  return { id, email, sub, tokens: await signIn(email) };
}

/** What a refused call must leave exactly as it was. */
async function snapshot(person: Person) {
  const em = identityEm();
  const account = await em.findOneOrFail(UserAccount, { id: person.id });
  return {
    account: {
      email: account.email,
      username: account.username ?? null,
      displayName: account.displayName ?? null,
      isActive: account.isActive,
      role: account.role,
      tenant: account.tenant.id,
    },
    openTickets: await em.count(PasswordSetupTicket, { user: person.id, usedAt: null }),
    tickets: await em.count(PasswordSetupTicket, { user: person.id }),
    events: (await em.find(OutboxEvent, { subjectUserId: person.id }, { orderBy: { occurredAt: 'asc' } })).map(
      (e) => e.type,
    ),
  };
}

/** Nothing changed, and the person is still signed in: the access token works and the session refreshes. */
async function expectUntouched(person: Person, before: Awaited<ReturnType<typeof snapshot>>) {
  expect(await snapshot(person)).toEqual(before);
  expect(await meId(stack, person.tokens.accessToken)).toMatchObject({ status: 200, id: person.id });
  const refreshed = await refresh(stack, person.tokens.refreshToken);
  expect(refreshed.errors).toBeUndefined();
  person.tokens = refreshed.data!.refreshToken;
}

/** The service still issues a ticket for an ordinary account, which then signs the person in. */
async function expectTicketForOrdinaryAccount() {
  const user = await withPassword('USER');
  const issued = await issue({ u: user.id }, service);
  expect(issued.errors).toBeUndefined();
  const done = await complete(issued.data!.issuePasswordSetup.token, 'another-fine-phrase-3');
  expect(done.errors).toBeUndefined();
  expect(done.data!.completePasswordSetup.user).toEqual({ id: user.id, role: 'USER' });
  // Setting the password ended the older sessions, as it does for everyone.
  expect(codeOf(await refresh(stack, user.tokens.refreshToken))).toBe('INVALID_TOKEN');
}

/** The service still deactivates, re-addresses and renames an ordinary account by its subject. */
async function expectProvisioningOfOrdinaryAccount() {
  const user = await provisioned('USER');
  const readdressed = uniqueEmail('moved');
  const renamed = await upsert({ userSub: user.sub, email: readdressed, displayName: 'Renamed' });
  expect(renamed.errors).toBeUndefined();
  expect(renamed.data!.upsertUserBySub.user).toMatchObject({ id: user.id, email: readdressed });
  expect(await meId(stack, user.tokens.accessToken)).toMatchObject({ status: 200, id: user.id });
  const deactivated = await upsert({ userSub: user.sub, email: readdressed, isActive: false });
  expect(deactivated.data!.upsertUserBySub.user).toMatchObject({ id: user.id, isActive: false });
  expect((await meId(stack, user.tokens.accessToken)).status).toBe(401);
}

describe('a service never gets a password-setup ticket for an administrator', () => {
  for (const role of ['SYSTEM_ADMIN', 'GROUP_ADMIN'] as const) {
    it(`refuses issuePasswordSetup for a ${role} (FORBIDDEN; no ticket, no event, sessions live)`, async () => {
      const admin = await withPassword(role);
      const before = await snapshot(admin);

      const refused = await issue({ u: admin.id }, service);
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expect(refused.data?.issuePasswordSetup ?? null).toBeNull();
      expect(codeOf(await issue({ u: admin.id }, ensurer))).toBe('FORBIDDEN');

      await expectUntouched(admin, before);
      expect(codeOf(await login(stack, admin.email, goodPassword))).toBeUndefined();

      // The rule binds services: a system admin still resets an administrator's password.
      expect((await issue({ u: admin.id }, root)).errors).toBeUndefined();
      await expectTicketForOrdinaryAccount();
    });
  }
});

describe('a service never changes an administrator by provisioning (upsertUserBySub)', () => {
  const changes = (person: { sub: string; email: string }) => ({
    deactivate: { userSub: person.sub, email: person.email, isActive: false },
    readdress: { userSub: person.sub, email: uniqueEmail('taken-over') },
    rename: { userSub: person.sub, email: person.email, displayName: 'Renamed', username: `u${Date.now()}` },
  });

  for (const role of ['SYSTEM_ADMIN', 'GROUP_ADMIN'] as const) {
    it(`GraphQL: refuses to deactivate, re-address or rename a ${role} (FORBIDDEN; nothing changed)`, async () => {
      const admin = await provisioned(role);
      const before = await snapshot(admin);
      for (const [name, input] of Object.entries(changes(admin))) {
        for (const keys of [service, ensurer]) {
          const refused = await upsert(input, keys);
          expect(codeOf(refused), name).toBe('FORBIDDEN');
          expect(refused.data ?? null, name).toBeNull();
        }
      }
      await expectUntouched(admin, before);

      // An upsert that changes nothing is not a change: the identity provider's sync stays idempotent.
      const same = await upsert({ userSub: admin.sub, email: admin.email, displayName: 'Original' });
      expect(same.errors).toBeUndefined();
      expect(same.data!.upsertUserBySub).toMatchObject({ action: 'UPDATED', user: { id: admin.id, isActive: true } });
      // A system admin still provisions its own kind.
      const byRoot = await upsert({ userSub: admin.sub, email: admin.email, displayName: 'By root' }, root);
      expect(byRoot.errors).toBeUndefined();
      await expectProvisioningOfOrdinaryAccount();
    });
  }

  it('GraphQL: refuses to re-enable a disabled administrator', async () => {
    const admin = await provisioned('GROUP_ADMIN', 'disabled');
    const disabled = await stack.graphql('mutation ($u: ID!) { setUserActive(userId: $u, isActive: false) { id } }', {
      token: root.token,
      variables: { u: admin.id },
    });
    expect(disabled.errors).toBeUndefined();
    const before = await snapshot(admin);
    expect(codeOf(await upsert({ userSub: admin.sub, email: admin.email, isActive: true }))).toBe('FORBIDDEN');
    expect(await snapshot(admin)).toEqual(before);
  });

  it('/internal REST: 403 {"detail": "forbidden"} for an administrator, 200 for an ordinary account', async () => {
    const admin = await provisioned('SYSTEM_ADMIN', 'rest-admin');
    const user = await provisioned('USER', 'rest-user');
    const before = await snapshot(admin);
    const paths = [
      ['/internal/users/upsert-by-sub', service],
      ['/internal/idp/users/ensure', ensurer],
      ['/internal/authentik/users/ensure', ensurer],
    ] as const;
    for (const [path, keys] of paths) {
      for (const body of [
        { user_sub: admin.sub, email: admin.email, is_active: false },
        { user_sub: admin.sub, email: uniqueEmail('rest-taken') },
        { user_sub: admin.sub, email: admin.email, display_name: 'Renamed' },
      ]) {
        expect(await internal(stack, 'POST', path, { keys, body }), `${path} ${JSON.stringify(body)}`).toEqual(
          forbidden,
        );
      }
    }
    await expectUntouched(admin, before);

    for (const [path, keys] of paths) {
      const response = await internal(stack, 'POST', path, {
        keys,
        body: { user_sub: user.sub, email: user.email, display_name: `Renamed by ${path}` },
      });
      expect(response.status, path).toBe(200);
    }
    const deactivated = await internal(stack, 'POST', '/internal/users/upsert-by-sub', {
      keys: service,
      body: { user_sub: user.sub, email: user.email, is_active: false },
    });
    expect(deactivated).toMatchObject({ status: 200, body: { id: user.id, is_active: false } });
  });
});

describe('a service cannot make an account that stands for an administrator', () => {
  it("refuses a subject that is an administrator's id, and an administrator's address (409)", async () => {
    const admin = await withPassword('SYSTEM_ADMIN');
    const user = await provisioned('USER', 'readdress-to-admin');
    const before = await snapshot(admin);
    const em = identityEm();
    const accounts = () => em.fork().count(UserAccount, {});
    const count = await accounts();

    // An account whose `sub` is the admin's (its id) would share its subject and permission grants.
    const bySub = await upsert({ userSub: admin.id, email: uniqueEmail('same-sub') });
    expect(codeOf(bySub)).toBe('CONFLICT');
    expect(bySub.errors?.[0]?.extensions?.['details']).toEqual({ field: 'user_sub' });
    expect(
      await internal(stack, 'POST', '/internal/idp/users/ensure', {
        keys: ensurer,
        body: { user_sub: admin.id.toUpperCase(), email: uniqueEmail('same-sub') },
      }),
    ).toEqual({ status: 409, body: { detail: 'conflict' } });

    // Taking over by address: a new subject, or an ordinary account re-addressed, with the admin's e-mail.
    expect(codeOf(await upsert({ userSub: `idp|${uniqueEmail('new')}`, email: admin.email.toUpperCase() }))).toBe(
      'CONFLICT',
    );
    expect(codeOf(await upsert({ userSub: user.sub, email: admin.email }))).toBe('CONFLICT');
    expect((await identityEm().findOneOrFail(UserAccount, { id: user.id })).email).toBe(user.email);

    expect(await accounts()).toBe(count);
    await expectUntouched(admin, before);

    // A subject of its own is still provisioned.
    expect((await upsert({ userSub: `idp|${uniqueEmail('fresh')}`, email: uniqueEmail('fresh') })).errors).toBe(
      undefined,
    );
  });
});

describe('promotion racing a service', () => {
  /**
   * A promotion written but not yet committed holds the account's row. The service's check must wait
   * for it and read the role it commits; a check on a plain read would see USER and go ahead.
   *
   * These discriminate on a real PostgreSQL (TEST_DATABASE_URL), where transactions run side by
   * side: with the row locks replaced by plain reads (in issue, upsertBySub or setRole) they failed
   * there. The embedded PGlite runs one transaction at a time, so there they hold either way.
   */
  const inFlight = {
    issuePasswordSetup: (user: { id: string }) => issue({ u: user.id }, service),
    upsertUserBySub: (user: { sub: string; email: string }) =>
      upsert({ userSub: user.sub, email: user.email, isActive: false }),
  };
  for (const [name, call] of Object.entries(inFlight)) {
    it(`${name} waits for a promotion in flight, then refuses the administrator it made`, async () => {
      const user = await provisioned('USER', `in-flight-${name}`);
      const promotion = identityEm();
      await promotion.begin();
      try {
        await promotion.nativeUpdate(UserAccount, { id: user.id }, { role: 'GROUP_ADMIN' });
        let settled = false;
        const pending = call(user).finally(() => {
          settled = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled).toBe(false);
        await promotion.commit();
        expect(codeOf(await pending)).toBe('FORBIDDEN');
      } finally {
        if (promotion.isInTransaction()) await promotion.rollback();
      }
      const account = await identityEm().findOneOrFail(UserAccount, { id: user.id });
      expect(account).toMatchObject({ role: 'GROUP_ADMIN', isActive: true });
      expect(await identityEm().count(PasswordSetupTicket, { user: user.id, usedAt: null })).toBe(0);
    });
  }

  it('never leaves a usable ticket that a service obtained for an account that ends up an administrator', async () => {
    const rounds = 12;
    const outcomes = { refused: 0, voided: 0 };
    for (let round = 0; round < rounds; round += 1) {
      const users = await Promise.all(Array.from({ length: 4 }, () => stack.createUser()));
      await Promise.all(
        users.map(async (user) => {
          const [, issued] = await Promise.all([setRole(user.id, 'GROUP_ADMIN'), issue({ u: user.id }, service)]);
          const em = identityEm();
          expect((await em.findOneOrFail(UserAccount, { id: user.id })).role).toBe('GROUP_ADMIN');
          expect(await em.count(PasswordSetupTicket, { user: user.id, usedAt: null })).toBe(0);
          if (issued.errors) {
            expect(codeOf(issued)).toBe('FORBIDDEN');
            outcomes.refused += 1;
          } else {
            // Issued while the account was ordinary, then voided by the promotion.
            expect(codeOf(await complete(issued.data!.issuePasswordSetup.token, goodPassword))).toBe('INVALID_TOKEN');
            outcomes.voided += 1;
          }
        }),
      );
    }
    expect(outcomes.refused + outcomes.voided).toBe(rounds * 4);
  });
});
