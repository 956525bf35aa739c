import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack, TestUser } from '../support/stack.js';
import { answer, isoTimestamp, refusal, startOAuthStack } from './oauth-client.js';

/**
 * seed 004's role marks, through the gateway: "System Admin only" paths refuse group admins (GraphQL
 * keeps their tenant-scoped powers), and `GET /applications/{app_id}`, marked for no role, shows any
 * signed-in member an application's public face.
 */
let stack: TestStack;
const marker = `roles${Date.now()}`;
let system: TestUser;
let acmeAdmin: TestUser;
let acmeUser: TestUser;
let globexAdmin: TestUser;
let globexUser: TestUser;
let appId: string;
let clientId: string;

const account = (role: TestUser['role'], tenantSlug: string, label: string) =>
  stack.createUser({ role, tenantSlug, email: `${label}-${marker}@example.com` });

const theme = {
  primary_color: '#1976d2',
  secondary_color: '#dc004e',
  logo_url: 'https://cdn.example.com/logo.png',
  background_image_url: 'https://cdn.example.com/bg.jpg',
};

beforeAll(async () => {
  stack = await startOAuthStack();
  system = await account('SYSTEM_ADMIN', 'hq', 'system');
  acmeAdmin = await account('GROUP_ADMIN', `acme-${marker}`, 'acme-admin');
  acmeUser = await account('USER', `acme-${marker}`, 'acme-user');
  globexAdmin = await account('GROUP_ADMIN', `globex-${marker}`, 'globex-admin');
  globexUser = await account('USER', `globex-${marker}`, 'globex-user');
  const created = await answer(stack, 'POST', '/api/v1/applications', {
    token: acmeAdmin.token,
    body: {
      app_name: 'Acme Portal',
      description: 'Where Acme signs in',
      redirect_uris: ['https://portal.acme.example/callback'],
      allowed_origins: ['https://portal.acme.example'],
      theme,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  appId = created.body['id'] as string;
  clientId = created.body['client_id'] as string;
});
afterAll(async () => {
  await stack?.stop();
});

const systemAdminOnly = refusal(403, 'forbidden', 'Only a system administrator can do this');

describe('seed 004 "System Admin only" paths', () => {
  it('refuse a group admin GET /api/v1/admin/users with 403', async () => {
    expect(await answer(stack, 'GET', `/api/v1/admin/users?search=${marker}`, { token: acmeAdmin.token })).toEqual(
      systemAdminOnly,
    );
    const listed = await answer(stack, 'GET', `/api/v1/admin/users?search=${marker}`, { token: system.token });
    expect(listed).toMatchObject({ status: 200, body: { total: 5 } });
  });

  it('refuse a group admin PUT /api/v1/admin/users/{user_id}/role with 403, changing nothing', async () => {
    const path = `/api/v1/admin/users/${acmeUser.id}/role`;
    expect(await answer(stack, 'PUT', path, { token: acmeAdmin.token, body: { role: 'group_admin' } })).toEqual(
      systemAdminOnly,
    );
    const user = await answer(stack, 'GET', `/api/v1/admin/users/${acmeUser.id}`, { token: system.token });
    expect(user).toMatchObject({ status: 200, body: { role: 'user' } });
  });

  it('leave "Admin only" paths to group admins: one user of their own tenant', async () => {
    const user = await answer(stack, 'GET', `/api/v1/admin/users/${acmeUser.id}`, { token: acmeAdmin.token });
    expect(user).toMatchObject({ status: 200, body: { id: acmeUser.id } });
  });

  it('leave a group admin its tenant-scoped powers in GraphQL', async () => {
    const listed = await stack.graphql<{ users: { items: { id: string }[] } }>(
      'query ($s: String) { users(search: $s) { items { id } } }',
      { token: acmeAdmin.token, variables: { s: marker } },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.users.items.map((u) => u.id)).toEqual([acmeAdmin.id, acmeUser.id]);
    const other = await account('USER', `acme-${marker}`, 'acme-other');
    const changed = await stack.graphql<{ setUserRole: { role: string } }>(
      'mutation ($u: ID!) { setUserRole(userId: $u, role: GROUP_ADMIN) { role } }',
      { token: acmeAdmin.token, variables: { u: other.id } },
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.setUserRole.role).toBe('GROUP_ADMIN');
  });
});

describe('GET /api/v1/applications/{app_id}', () => {
  const publicFace = () => ({
    id: appId,
    client_id: clientId,
    app_name: 'Acme Portal',
    description: 'Where Acme signs in',
    theme,
    created_at: isoTimestamp,
  });

  it("shows any signed-in member the application's public face, never its secret, redirect URIs or owner", async () => {
    for (const caller of [globexUser, acmeUser, globexAdmin]) {
      expect(await answer(stack, 'GET', `/api/v1/applications/${appId}`, { token: caller.token })).toEqual({
        status: 200,
        body: publicFace(),
      });
    }
  });

  it("shows the application's administrators its whole registration, as before", async () => {
    for (const admin of [acmeAdmin, system]) {
      const detail = await answer(stack, 'GET', `/api/v1/applications/${appId}`, { token: admin.token });
      expect(detail).toEqual({
        status: 200,
        body: {
          ...publicFace(),
          redirect_uris: ['https://portal.acme.example/callback'],
          // OpenID Connect logout's URIs: a superset field, empty unless registered.
          post_logout_redirect_uris: [],
          // How its ID tokens are signed: a superset field, ES256 unless chosen.
          id_token_signed_response_alg: 'ES256',
          allowed_origins: ['https://portal.acme.example'],
          client_type: 'confidential',
          owner_id: acmeAdmin.id,
          updated_at: isoTimestamp,
        },
      });
    }
  });

  it('answers 404 for an unknown or deleted application and 401 without a token', async () => {
    const notFound = refusal(404, 'not_found', 'No such application');
    expect(await answer(stack, 'GET', `/api/v1/applications/${randomUUID()}`, { token: globexUser.token })).toEqual(
      notFound,
    );
    const doomed = await answer(stack, 'POST', '/api/v1/applications', {
      token: system.token,
      body: { app_name: 'Doomed', redirect_uris: ['https://doomed.example/cb'] },
    });
    const doomedId = doomed.body['id'] as string;
    expect((await answer(stack, 'DELETE', `/api/v1/applications/${doomedId}`, { token: system.token })).status).toBe(
      200,
    );
    expect(await answer(stack, 'GET', `/api/v1/applications/${doomedId}`, { token: globexUser.token })).toEqual(
      notFound,
    );
    expect((await answer(stack, 'GET', `/api/v1/applications/${appId}`)).status).toBe(401);
  });

  it('is GraphQL publicApplication(id) for signed-in members, and nothing for anonymous callers', async () => {
    const query =
      'query ($id: ID!) { publicApplication(id: $id) { id clientId name description theme { primaryColor } } }';
    const read = await stack.graphql(query, { token: globexUser.token, variables: { id: appId } });
    expect(read).toEqual({
      status: 200,
      data: {
        publicApplication: {
          id: appId,
          clientId,
          name: 'Acme Portal',
          description: 'Where Acme signs in',
          theme: { primaryColor: '#1976d2' },
        },
      },
    });
    const anonymous = await stack.graphql(query, { variables: { id: appId } });
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});
