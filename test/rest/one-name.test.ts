import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack, TestUser } from '../support/stack.js';
import { createClient, internal, type ClientKeys } from './internal-client.js';
import { signInFixture } from '../support/account-fixture.js';
import { answer, signUp, startOAuthStack } from './oauth-client.js';

/**
 * One name per person (issue #13 point 5): seed 004's `full_name`, seeds 000 and 003's `display_name`
 * and GraphQL's `User.displayName` are identity's one value, whichever path writes it, and every
 * path reads and searches that value.
 */
let stack: TestStack;
let admin: TestUser;
let service: ClientKeys;
beforeAll(async () => {
  stack = await startOAuthStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  service = await createClient(stack, admin, ['users:read', 'users:write']);
});
afterAll(async () => {
  await stack?.stop();
});

interface Person {
  readonly id: string;
  readonly token: string;
}

/** The name as every reading path shows it, `undefined` where a path leaves an empty name out. */
async function namesOf(person: Person) {
  const usersMe = await answer(stack, 'GET', '/api/v1/users/me', { token: person.token });
  const membersMe = await answer(stack, 'GET', '/api/v1/members/me', { token: person.token });
  const adminView = await answer(stack, 'GET', `/api/v1/admin/users/${person.id}`, { token: admin.token });
  const graph = await stack.graphql<{ me: { displayName: string | null } }>('{ me { displayName } }', {
    token: person.token,
  });
  expect(graph.errors).toBeUndefined();
  const data = membersMe.body['data'] as Record<string, unknown>;
  return {
    usersMe: usersMe.body['full_name'],
    membersMe: data['display_name'] ?? null,
    admin: adminView.body['full_name'],
    graphql: graph.data!.me.displayName,
  };
}

const everywhere = (name: string | null) => ({ usersMe: name, membersMe: name, admin: name, graphql: name });

/** Whether the name is found by the two searches that look at it, as the account with this id. */
async function foundBySearch(id: string, keyword: string) {
  const members = await internal(stack, 'GET', `/internal/members?keyword=${encodeURIComponent(keyword)}`, {
    keys: service,
  });
  const users = await answer(stack, 'GET', `/api/v1/admin/users?search=${encodeURIComponent(keyword)}`, {
    token: admin.token,
  });
  const memberHit = (members.body['items'] as { id: string; display_name: string | null }[]).find((u) => u.id === id);
  const userHit = (users.body['items'] as { id: string; full_name: string | null }[]).find((u) => u.id === id);
  return { internal: memberHit?.display_name ?? null, admin: userHit?.full_name ?? null };
}

async function signedUp(label: string): Promise<Person> {
  const account = await signUp(stack, label, { displayName: 'Before Change' });
  return { id: account.id, token: account.accessToken };
}

describe('one name per person', () => {
  it('PUT /api/v1/users/me full_name is the name on every path and in both searches', async () => {
    const person = await signedUp('name-users-me');
    const put = await answer(stack, 'PUT', '/api/v1/users/me', {
      token: person.token,
      body: { full_name: 'Wang Xiaoming A' },
    });
    expect(put.status).toBe(200);
    expect(put.body['full_name']).toBe('Wang Xiaoming A');
    expect(await namesOf(person)).toEqual(everywhere('Wang Xiaoming A'));
    expect(await foundBySearch(person.id, 'xiaoming a')).toEqual({
      internal: 'Wang Xiaoming A',
      admin: 'Wang Xiaoming A',
    });
  });

  it('PATCH /api/v1/members/me display_name is the name on every path and in both searches', async () => {
    const person = await signedUp('name-members-me');
    const patch = await answer(stack, 'PATCH', '/api/v1/members/me', {
      token: person.token,
      body: { display_name: '  陳大文 B  ', language: 'zh-TW' },
    });
    expect(patch.status).toBe(200);
    expect((patch.body['data'] as Record<string, unknown>)['display_name']).toBe('陳大文 B');
    expect(await namesOf(person)).toEqual(everywhere('陳大文 B'));
    expect(await foundBySearch(person.id, '大文 b')).toEqual({ internal: '陳大文 B', admin: '陳大文 B' });
  });

  it('POST /internal/users/upsert-by-sub display_name is the name the member then sees', async () => {
    const sub = `idp|one-name-${Date.now()}`;
    const created = await internal(stack, 'POST', '/internal/users/upsert-by-sub', {
      keys: service,
      body: { user_sub: sub, email: `${Date.now()}-upsert-name@example.test`, display_name: 'Provisioned C' },
    });
    expect(created.status).toBe(200);
    const id = created.body['id'] as string;
    // Provisioned accounts join the default tenant, the fixture administrator's.
    const tenantId = admin.tenantId;
    const person = {
      id,
      token: await signInFixture(
        { database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys },
        { id, tenantId, role: 'USER' },
      ),
    };
    expect(await namesOf(person)).toEqual(everywhere('Provisioned C'));

    const renamed = await internal(stack, 'POST', '/internal/users/upsert-by-sub', {
      keys: service,
      body: { user_sub: sub, email: created.body['email'], display_name: 'Renamed C' },
    });
    expect(renamed.status).toBe(200);
    expect(await namesOf(person)).toEqual(everywhere('Renamed C'));
  });

  it('GraphQL updateMyAccount displayName is the name the legacy paths read', async () => {
    const person = await signedUp('name-graphql');
    const update = await stack.graphql<{ updateMyAccount: { displayName: string | null } }>(
      'mutation ($input: UpdateMyAccountInput!) { updateMyAccount(input: $input) { displayName } }',
      { token: person.token, variables: { input: { displayName: 'Graph D' } } },
    );
    expect(update.errors).toBeUndefined();
    expect(update.data).toEqual({ updateMyAccount: { displayName: 'Graph D' } });
    expect(await namesOf(person)).toEqual(everywhere('Graph D'));
  });

  it('GraphQL updateMyAccount refuses a bad name or an anonymous caller and changes nothing', async () => {
    const person = await signedUp('name-graphql-bad');
    const rename = (displayName: unknown, token?: string) =>
      stack.graphql('mutation ($input: UpdateMyAccountInput!) { updateMyAccount(input: $input) { displayName } }', {
        variables: { input: { displayName } },
        ...(token ? { token } : {}),
      });
    for (const bad of ['   ', 'x'.repeat(101)]) {
      const refused = await rename(bad, person.token);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [{ field: 'displayName', message: 'must be 1 to 100 characters (null clears it)' }] },
      });
    }
    expect((await rename('Nobody')).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(await namesOf(person)).toEqual(everywhere('Before Change'));
  });

  it('a name written on one path and cleared on another is cleared everywhere', async () => {
    const person = await signedUp('name-clear');
    await answer(stack, 'PUT', '/api/v1/users/me', { token: person.token, body: { full_name: 'Clear Me E' } });
    const cleared = await answer(stack, 'PATCH', '/api/v1/members/me', {
      token: person.token,
      body: { display_name: '' },
    });
    expect(cleared.status).toBe(200);
    expect(await namesOf(person)).toEqual(everywhere(null));
  });

  it('a bad name changes nothing, not even the fields sent beside it', async () => {
    const person = await signedUp('name-bad');
    const before = await answer(stack, 'GET', '/api/v1/members/me', { token: person.token });
    const tooLong = 'x'.repeat(101);
    const patch = await answer(stack, 'PATCH', '/api/v1/members/me', {
      token: person.token,
      body: { display_name: tooLong, language: 'ko-KR' },
    });
    expect(patch).toEqual({ status: 400, body: { code: 10101000, message: expect.any(String) as string } });
    const put = await answer(stack, 'PUT', '/api/v1/users/me', {
      token: person.token,
      body: { full_name: tooLong, currency: 'KRW' },
    });
    expect(put.status).toBe(422);
    expect(put.body['error']).toBe('validation_failed');
    expect((put.body['details'] as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['full_name']);
    expect(await answer(stack, 'GET', '/api/v1/members/me', { token: person.token })).toEqual(before);
    expect(await namesOf(person)).toEqual(everywhere('Before Change'));
  });
});
