import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import type { TestStack, TestUser } from '../support/stack.js';
import { answer, documentedStatuses, invalid, isoTimestamp, refusal, startOAuthStack } from './oauth-client.js';

/** seed 004 `/api/v1/admin/users*` through the gateway: exact legacy shapes, real HTTP. */
let stack: TestStack;
/** Every account here has this in its email, so searches see only this file's accounts. */
const marker = `adm${Date.now()}`;
let system: TestUser;
let acmeAdmin: TestUser;
let acmeUser: TestUser;
let acmeOther: TestUser;
let globexUser: TestUser;

const account = (role: TestUser['role'], tenantSlug: string, label: string) =>
  stack.createUser({ role, tenantSlug, email: `${label}-${marker}@example.com` });

beforeAll(async () => {
  stack = await startOAuthStack();
  // Created in this order: listings are oldest first.
  system = await account('SYSTEM_ADMIN', 'hq', 'system');
  acmeAdmin = await account('GROUP_ADMIN', 'acme', 'acme-admin');
  acmeUser = await account('USER', 'acme', 'acme-user');
  acmeOther = await account('USER', 'acme', 'acme-other');
  globexUser = await account('USER', 'globex', 'globex-user');
});
afterAll(async () => {
  await stack?.stop();
});

/** The legacy admin view of a fixture account (no name, never signed in). */
const adminView = (user: TestUser, role = user.role.toLowerCase()) => ({
  id: user.id,
  email: user.email,
  username: null,
  full_name: null,
  role,
  is_active: true,
  tenant_id: user.tenantId,
  created_at: isoTimestamp,
  last_login: null,
});

const get = (path: string, token?: string) => answer(stack, 'GET', path, token ? { token } : {});
const setRole = (token: string, userId: string, body: unknown) =>
  answer(stack, 'PUT', `/api/v1/admin/users/${userId}/role`, { token, body });
const forbidden = refusal(403, 'forbidden', 'You are not allowed to do this');
// seed 004: the list and role changes are "System Admin only" (test/rest/oauth-roles.test.ts).
const systemAdminOnly = refusal(403, 'forbidden', 'Only a system administrator can do this');

describe('GET /api/v1/admin/users', () => {
  it('answers {items, total, page, limit} with exactly the legacy user fields', async () => {
    expect(await get(`/api/v1/admin/users?search=${marker}`, system.token)).toEqual({
      status: 200,
      body: {
        items: [system, acmeAdmin, acmeUser, acmeOther, globexUser].map((user) => adminView(user)),
        total: 5,
        page: 1,
        limit: 20,
      },
    });
  });

  it('pages and filters by lower-case role', async () => {
    expect(await get(`/api/v1/admin/users?search=${marker}&limit=2&page=2`, system.token)).toEqual({
      status: 200,
      body: { items: [adminView(acmeUser), adminView(acmeOther)], total: 5, page: 2, limit: 2 },
    });
    expect(await get(`/api/v1/admin/users?search=${marker}&role=group_admin`, system.token)).toEqual({
      status: 200,
      body: { items: [adminView(acmeAdmin)], total: 1, page: 1, limit: 20 },
    });
  });

  it('refuses a group admin and a user with 403 and a missing bearer with 401', async () => {
    expect(await get(`/api/v1/admin/users?search=${marker}`, acmeAdmin.token)).toEqual(systemAdminOnly);
    expect(await get('/api/v1/admin/users', acmeUser.token)).toEqual(systemAdminOnly);
    expect(await get('/api/v1/admin/users')).toEqual(refusal(401, 'unauthenticated', 'Authentication is required'));
  });

  it('refuses malformed or out-of-range paging and unknown roles with 422', async () => {
    expect(await get('/api/v1/admin/users?page=0', system.token)).toEqual(invalid('query.page'));
    expect(await get('/api/v1/admin/users?limit=101', system.token)).toEqual(invalid('query.limit'));
    expect(await get('/api/v1/admin/users?limit=0', system.token)).toEqual(invalid('query.limit'));
    expect(await get('/api/v1/admin/users?limit=abc', system.token)).toEqual(invalid('query.limit'));
    expect(await get('/api/v1/admin/users?page=1.5', system.token)).toEqual(invalid('query.page'));
    expect(await get('/api/v1/admin/users?role=SYSTEM_ADMIN', system.token)).toEqual(invalid('query.role'));
  });
});

describe('GET /api/v1/admin/users/{user_id}', () => {
  it('answers one user with exactly the legacy fields', async () => {
    expect(await get(`/api/v1/admin/users/${globexUser.id}`, system.token)).toEqual({
      status: 200,
      body: adminView(globexUser),
    });
    expect(await get(`/api/v1/admin/users/${acmeUser.id}`, acmeAdmin.token)).toEqual({
      status: 200,
      body: adminView(acmeUser),
    });
  });

  it("answers 404 for an unknown user and for one outside a group admin's tenant", async () => {
    const notFound = refusal(404, 'not_found', 'No such user');
    expect(await get(`/api/v1/admin/users/${randomUUID()}`, system.token)).toEqual(notFound);
    expect(await get(`/api/v1/admin/users/${globexUser.id}`, acmeAdmin.token)).toEqual(notFound);
  });

  it('answers 422 for a malformed id, 403 for a user and 401 without a bearer', async () => {
    expect(await get('/api/v1/admin/users/not-a-uuid', system.token)).toEqual(invalid('params.user_id'));
    expect(await get(`/api/v1/admin/users/${acmeOther.id}`, acmeUser.token)).toEqual(forbidden);
    expect(await get(`/api/v1/admin/users/${acmeOther.id}`)).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
  });
});

describe('PUT /api/v1/admin/users/{user_id}/role', () => {
  it('answers the updated user in the legacy shape', async () => {
    expect(await setRole(system.token, acmeUser.id, { role: 'group_admin' })).toEqual({
      status: 200,
      body: adminView(acmeUser, 'group_admin'),
    });
    expect(await get(`/api/v1/admin/users/${acmeUser.id}`, system.token)).toEqual({
      status: 200,
      body: adminView(acmeUser, 'group_admin'),
    });
    expect(await setRole(system.token, acmeUser.id, { role: 'user' })).toEqual({
      status: 200,
      body: adminView(acmeUser, 'user'),
    });
  });

  it('refuses a group admin, a user, and changing oneself with 403', async () => {
    expect(await setRole(acmeAdmin.token, acmeOther.id, { role: 'group_admin' })).toEqual(systemAdminOnly);
    // Not acmeUser: its role changed above, which ended its sessions.
    const plain = await stack.createUser({ tenantSlug: 'acme' });
    expect(await setRole(plain.token, acmeOther.id, { role: 'group_admin' })).toEqual(systemAdminOnly);
    expect(await setRole(system.token, system.id, { role: 'user' })).toEqual(
      refusal(403, 'forbidden', 'You cannot change your own role or state'),
    );
    expect((await get(`/api/v1/admin/users/${acmeOther.id}`, system.token)).body['role']).toBe('user');
  });

  it('answers 404 for an unknown user', async () => {
    const notFound = refusal(404, 'not_found', 'No such user');
    expect(await setRole(system.token, randomUUID(), { role: 'group_admin' })).toEqual(notFound);
  });

  it('refuses unknown roles, missing fields, malformed JSON and malformed ids with 422', async () => {
    expect(await setRole(system.token, acmeOther.id, { role: 'superuser' })).toEqual(invalid('body.role'));
    expect(await setRole(system.token, acmeOther.id, { role: 'GROUP_ADMIN' })).toEqual(invalid('body.role'));
    expect(await setRole(system.token, acmeOther.id, {})).toEqual(invalid('body.role'));
    expect(await setRole(system.token, acmeOther.id, '{"role":')).toEqual(
      refusal(422, 'validation_failed', 'The request body is not valid JSON'),
    );
    expect(await setRole(system.token, 'nope', { role: 'user' })).toEqual(invalid('params.user_id'));
  });

  it('answers 409 rather than demote the last active system admin', async () => {
    // Another system admin, disabled by a concurrent request after its token was checked: the race
    // the guard exists for. Disabling through the API would end its sessions first, so the row is
    // changed directly.
    const racing = await account('SYSTEM_ADMIN', 'hq', 'racing-system');
    await stack.subgraphs.identity.database.fork().nativeUpdate(UserAccount, { id: racing.id }, { isActive: false });
    expect(await setRole(racing.token, system.id, { role: 'user' })).toEqual(
      refusal(409, 'conflict', 'The last active system administrator must stay one'),
    );
    expect((await get(`/api/v1/admin/users/${system.id}`, system.token)).body['role']).toBe('system_admin');
  });
});

it('documents the admin paths and their refusals in /openapi.json', async () => {
  const doc = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; responses: object }>>;
  };
  const list = doc.paths['/api/v1/admin/users']!['get']!;
  expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
    'query:page',
    'query:limit',
    'query:role',
    'query:search',
  ]);
  expect(Object.keys(list.responses)).toEqual(documentedStatuses('403'));
  expect(Object.keys(doc.paths['/api/v1/admin/users/{user_id}']!['get']!.responses)).toEqual(
    documentedStatuses('403', '404'),
  );
  expect(Object.keys(doc.paths['/api/v1/admin/users/{user_id}/role']!['put']!.responses)).toEqual(
    documentedStatuses('403', '404', '409'),
  );
});
