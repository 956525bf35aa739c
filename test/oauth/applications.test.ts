import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTimestamp } from '../rest/oauth-client.js';
import type { TestStack } from '../support/stack.js';
import {
  callback,
  codeFor,
  createAdmin,
  eventsOf,
  exchange,
  formToken,
  meStatus,
  registerApplication,
  rest,
  startFlowStack,
  type RegisteredApplication,
} from './flow.js';

/** seed 004 `/api/v1/applications*` and the GraphQL behind them, through the gateway. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startFlowStack();
});
afterAll(async () => {
  await stack?.stop();
});

const fullBody = {
  app_name: 'My Application',
  description: 'Application description',
  redirect_uris: ['https://app.example.com/callback'],
  allowed_origins: ['https://app.example.com'],
  theme: {
    primary_color: '#1976d2',
    secondary_color: '#DC004E',
    logo_url: 'https://cdn.example.com/logo.png',
    background_image_url: 'https://cdn.example.com/bg.jpg',
  },
};

describe('registering an application', () => {
  it('answers seed 004’s shape with a secret shown once, and stores only its hash', async () => {
    const admin = await createAdmin(stack);
    const created = await rest(stack, 'POST', '/api/v1/applications', { token: admin.token, body: fullBody });
    expect(created).toMatchObject({ status: 201 });
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      client_id: expect.stringMatching(/^mga_[\w-]{22}$/) as string,
      client_secret: expect.stringMatching(/^mgs_[\w-]{43}$/) as string,
      app_name: 'My Application',
      created_at: isoTimestamp,
    });
    const id = created.body['id'] as string;
    const detail = await rest(stack, 'GET', `/api/v1/applications/${id}`, { token: admin.token });
    expect(detail).toMatchObject({
      status: 200,
      body: {
        id,
        client_id: created.body['client_id'],
        app_name: 'My Application',
        description: 'Application description',
        redirect_uris: ['https://app.example.com/callback'],
        allowed_origins: ['https://app.example.com'],
        theme: { ...fullBody.theme, secondary_color: '#dc004e' },
        client_type: 'confidential',
        owner_id: admin.id,
        created_at: isoTimestamp,
        updated_at: isoTimestamp,
      },
    });
    expect(JSON.stringify(detail.body)).not.toContain(created.body['client_secret'] as string);
    const row = await stack.subgraphs.identity.database
      .fork()
      .getConnection()
      .execute<{ client_secret_hash: string }[]>(
        'select client_secret_hash from identity.oauth_application where id = ?',
        [id],
      );
    expect(row[0]?.client_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const [event] = (await eventsOf(stack, 'application.created')).filter((e) => e.payload['applicationId'] === id);
    expect(event?.payload).toMatchObject({ applicationId: id, name: 'My Application' });
  });

  it('lists and updates applications, and records the new name for the statistics', async () => {
    const app = await registerApplication(stack);
    const listed = await rest(stack, 'GET', '/api/v1/applications', { token: app.adminToken });
    expect(listed.status).toBe(200);
    expect((listed.body['applications'] as { id: string }[]).map((a) => a.id)).toContain(app.id);

    const updated = await rest(stack, 'PUT', `/api/v1/applications/${app.id}`, {
      token: app.adminToken,
      body: { app_name: 'Renamed', theme: { primary_color: '#000000' }, allowed_origins: ['http://127.0.0.1:8080'] },
    });
    expect(updated).toMatchObject({
      status: 200,
      body: {
        app_name: 'Renamed',
        redirect_uris: [callback],
        allowed_origins: ['http://127.0.0.1:8080'],
        theme: { primary_color: '#000000', secondary_color: null },
      },
    });
    const cleared = await rest(stack, 'PUT', `/api/v1/applications/${app.id}`, {
      token: app.adminToken,
      body: { theme: { primary_color: null } },
    });
    expect(cleared.body['theme']).toMatchObject({ primary_color: null });
    const renamed = (await eventsOf(stack, 'application.updated')).find((e) => e.payload['applicationId'] === app.id);
    expect(renamed?.payload).toMatchObject({ applicationId: app.id, name: 'Renamed' });
  });

  it('refuses insecure or malformed registrations with every problem named in legacy field names', async () => {
    const admin = await createAdmin(stack);
    const refused = await rest(stack, 'POST', '/api/v1/applications', {
      token: admin.token,
      body: {
        app_name: ' ',
        redirect_uris: ['https://app.example.com/cb#fragment', 'javascript:alert(1)'],
        allowed_origins: ['https://app.example.com/path'],
        theme: { primary_color: 'blue', logo_url: 'http://cdn.example.com/logo.png' },
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body['error']).toBe('validation_failed');
    const fields = (refused.body['details'] as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(fields).toEqual([
      'app_name',
      'redirect_uris',
      'redirect_uris',
      'allowed_origins',
      'theme.primary_color',
      'theme.logo_url',
    ]);
    expect(refused.body['message']).toMatch(
      /^app_name must be 1 to 100 characters; redirect_uris must not contain a fragment/,
    );

    const none = await rest(stack, 'POST', '/api/v1/applications', {
      token: admin.token,
      body: { app_name: 'No URIs', redirect_uris: [] },
    });
    expect(none).toMatchObject({ status: 422, body: { details: { fields: [{ field: 'redirect_uris' }] } } });
    const typo = await rest(stack, 'POST', '/api/v1/applications', {
      token: admin.token,
      body: { app_name: 'Typo', redirect_uri: [callback] },
    });
    expect(typo.status).toBe(422);
  });

  it('accepts loopback http and private-use redirect URIs (native apps, RFC 8252)', async () => {
    const admin = await createAdmin(stack);
    const created = await rest(stack, 'POST', '/api/v1/applications', {
      token: admin.token,
      body: {
        app_name: 'Native',
        client_type: 'public',
        redirect_uris: ['http://127.0.0.1:53123/callback', 'com.example.app:/oauth2redirect'],
      },
    });
    expect(created).toMatchObject({ status: 201, body: { client_secret: null } });
  });
});

/**
 * PUT (a takeover attempt), DELETE and regenerate-secret of one application, each as `token`. Not GET:
 * it shows every signed-in member the public face (test/rest/oauth-roles.test.ts).
 */
async function expectEveryRouteAnswers(id: string, token: string, expected: { status: number; body: unknown }) {
  const path = `/api/v1/applications/${id}`;
  for (const [method, route, body] of [
    ['PUT', path, { app_name: 'Taken over', redirect_uris: ['https://evil.example.com/cb'] }],
    ['DELETE', path, undefined],
    ['POST', `${path}/regenerate-secret`, undefined],
  ] as const) {
    const answer = await rest(stack, method, route, { token, ...(body ? { body } : {}) });
    expect(answer, `${method} ${route}`).toEqual(expect.objectContaining(expected));
  }
}

/** Still there as registered, as its own admin sees it. */
async function expectUntouched(app: RegisteredApplication) {
  const detail = await rest(stack, 'GET', `/api/v1/applications/${app.id}`, { token: app.adminToken });
  expect(detail).toMatchObject({
    status: 200,
    body: { app_name: expect.stringMatching(/^App /) as string, redirect_uris: [callback] },
  });
}

describe('who may manage applications', () => {
  it('refuses a user who is not an administrator (403) and a caller without a token (401)', async () => {
    const user = await stack.createUser();
    const body = { app_name: 'Sneaky', redirect_uris: [callback] };
    expect(await rest(stack, 'POST', '/api/v1/applications', { token: user.token, body })).toMatchObject({
      status: 403,
      body: { error: 'forbidden', message: 'You are not allowed to do this', details: {} },
    });
    expect((await rest(stack, 'GET', '/api/v1/applications', { token: user.token })).status).toBe(403);
    expect((await rest(stack, 'POST', '/api/v1/applications', { body })).status).toBe(401);
    const denied = await stack.graphql('{ applications { id } }', { token: user.token });
    expect(denied.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('refuses a user who is not an administrator every change to an existing application', async () => {
    const app = await registerApplication(stack);
    const user = await stack.createUser();
    await expectEveryRouteAnswers(app.id, user.token, {
      status: 403,
      body: { error: 'forbidden', message: 'You are not allowed to do this', details: {} },
    });
    await expectUntouched(app);
    // The secret was not regenerated: the registered one still authenticates the client.
    const grant = await codeFor(stack, app, user.token);
    await exchange(stack, app, grant);
  });

  it("lets a group admin manage its own tenant's applications only", async () => {
    const other = await registerApplication(stack);
    const groupAdmin = await createAdmin(stack, 'GROUP_ADMIN', `tenant-${Date.now()}`);
    const own = await rest(stack, 'POST', '/api/v1/applications', {
      token: groupAdmin.token,
      body: { app_name: 'Group app', redirect_uris: [callback] },
    });
    expect(own.status).toBe(201);
    const listed = await rest(stack, 'GET', '/api/v1/applications', { token: groupAdmin.token });
    expect((listed.body['applications'] as { id: string }[]).map((a) => a.id)).toEqual([own.body['id']]);
    // Another tenant's application is not its to manage: every change answers 404 and changes nothing.
    await expectEveryRouteAnswers(other.id, groupAdmin.token, {
      status: 404,
      body: { error: 'not_found', message: 'No such application', details: {} },
    });
    await expectUntouched(other);
    const user = await stack.createUser();
    await exchange(stack, other, await codeFor(stack, other, user.token));
  });
});

describe('regenerate-secret', () => {
  it('issues a new secret and refuses the old one at once', async () => {
    const app = await registerApplication(stack);
    const user = await stack.createUser();
    const first = await codeFor(stack, app, user.token);
    const regenerated = await rest(stack, 'POST', `/api/v1/applications/${app.id}/regenerate-secret`, {
      token: app.adminToken,
    });
    expect(regenerated).toMatchObject({
      status: 200,
      body: { id: app.id, client_id: app.clientId, client_secret: expect.stringMatching(/^mgs_/) as string },
    });
    const newSecret = regenerated.body['client_secret'] as string;
    expect(newSecret).not.toBe(app.clientSecret);
    const withOld = await formToken(stack, {
      grant_type: 'authorization_code',
      code: first.code,
      redirect_uri: callback,
      code_verifier: first.verifier,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    expect(withOld).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // The code was not spent by the refused attempt: the new secret redeems it.
    await exchange(stack, { ...app, clientSecret: newSecret }, first);
  });

  it('answers 409 for a public client, which has no secret', async () => {
    const app = await registerApplication(stack, { client_type: 'public' });
    const answer = await rest(stack, 'POST', `/api/v1/applications/${app.id}/regenerate-secret`, {
      token: app.adminToken,
    });
    expect(answer).toMatchObject({ status: 409, body: { error: 'conflict' } });
  });
});

describe('deleting an application', () => {
  it('forgets it and ends every token it holds', async () => {
    const app = await registerApplication(stack);
    const user = await stack.createUser();
    const tokens = await exchange(stack, app, await codeFor(stack, app, user.token));
    expect(await meStatus(stack, tokens.access_token)).toBe(200);

    const deleted = await rest(stack, 'DELETE', `/api/v1/applications/${app.id}`, { token: app.adminToken });
    expect(deleted).toMatchObject({ status: 200, body: { message: 'Application deleted' } });
    expect(await meStatus(stack, tokens.access_token)).toBe(401);
    expect((await rest(stack, 'GET', `/api/v1/applications/${app.id}`, { token: app.adminToken })).status).toBe(404);
    const refreshed = await formToken(stack, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    expect(refreshed).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const [event] = (await eventsOf(stack, 'application.deleted')).filter((e) => e.payload['applicationId'] === app.id);
    expect(event?.payload).toMatchObject({ applicationId: app.id, name: expect.any(String) as string });
    expect((await rest(stack, 'GET', '/api/v1/users/me/applications', { token: user.token })).body).toEqual({
      applications: [],
    });
  });

  it('answers 404 for an unknown id and 422 for one that is not a UUID', async () => {
    const admin = await createAdmin(stack);
    expect(
      (await rest(stack, 'DELETE', '/api/v1/applications/00000000-0000-4000-8000-000000000000', { token: admin.token }))
        .status,
    ).toBe(404);
    expect((await rest(stack, 'GET', '/api/v1/applications/nope', { token: admin.token })).status).toBe(422);
  });
});
