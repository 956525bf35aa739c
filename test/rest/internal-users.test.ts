import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { createClient, forbidden, internal, invalid, invalidClient, type ClientKeys } from './internal-client.js';

/** seed 000 `/internal` member directory and provisioning by subject: exact legacy shapes, real HTTP. */
let stack: TestStack;
/** Every account here has this in its email, so keyword searches see only this file's accounts. */
const marker = `int${Date.now()}`;
let admin: TestUser;
let first: TestUser;
let second: TestUser;
let reader: ClientKeys;
let writer: ClientKeys;
let ensurer: ClientKeys;
let catalogReader: ClientKeys;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  first = await stack.createUser({ email: `first-${marker}@example.com` });
  second = await stack.createUser({ email: `second-${marker}@example.com` });
  reader = await createClient(stack, admin, ['users:read']);
  // upsert-by-sub answers the account, which takes users:read; ensure answers ids only.
  writer = await createClient(stack, admin, ['users:write', 'users:read']);
  ensurer = await createClient(stack, admin, ['users:write']);
  catalogReader = await createClient(stack, admin, ['catalog:read']);
});
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string, keys: ClientKeys | null = reader) => internal(stack, 'GET', path, keys ? { keys } : {});
const post = (path: string, body: unknown, keys: ClientKeys | null = writer) =>
  internal(stack, 'POST', path, keys ? { keys, body } : { body });

/** A fixture account as the directory shows it (no username or name; its subject is its id). */
const memberView = (user: TestUser) => ({
  id: user.id,
  user_sub: user.id,
  username: null,
  email: user.email,
  display_name: null,
  is_active: true,
});

describe('GET /internal/members', () => {
  it('answers {items, total, limit, offset} with exactly the legacy member fields, default limit 500', async () => {
    expect(await get(`/internal/members?keyword=${marker}`)).toEqual({
      status: 200,
      body: { items: [memberView(first), memberView(second)], total: 2, limit: 500, offset: 0 },
    });
  });

  it('filters by keyword and pages', async () => {
    expect(await get(`/internal/members?keyword=SECOND-${marker}`)).toEqual({
      status: 200,
      body: { items: [memberView(second)], total: 1, limit: 500, offset: 0 },
    });
    expect(await get(`/internal/members?keyword=${marker}&limit=1&offset=1`)).toEqual({
      status: 200,
      body: { items: [memberView(second)], total: 2, limit: 1, offset: 1 },
    });
  });

  it('refuses malformed paging, a caller without keys and a client without users:read', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=abc']) {
      expect(await get(`/internal/members?${query}`), query).toEqual(invalid(['query', 'limit']));
    }
    expect(await get('/internal/members?offset=-1')).toEqual(invalid(['query', 'offset']));
    expect(await get('/internal/members', null)).toEqual(invalidClient);
    expect(await get('/internal/members', catalogReader)).toEqual(forbidden);
  });
});

describe('POST /internal/users/upsert-by-sub', () => {
  it('creates the account of a subject, then updates it', async () => {
    const sub = `idp-${marker}-chris`;
    const email = `chris-${marker}@example.com`;
    const created = await post('/internal/users/upsert-by-sub', {
      user_sub: sub,
      username: `chris${marker}`,
      email,
      display_name: 'Chris',
      is_active: true,
    });
    const id = (created.body as { id: string }).id;
    expect(created).toEqual({
      status: 200,
      body: {
        id: expect.any(String) as string,
        user_sub: sub,
        idp_user_id: id,
        username: `chris${marker}`,
        email,
        display_name: 'Chris',
        is_active: true,
      },
    });

    expect(await post('/internal/users/upsert-by-sub', { user_sub: sub, email, display_name: 'Chris W' })).toEqual({
      status: 200,
      body: {
        id,
        user_sub: sub,
        idp_user_id: id,
        username: `chris${marker}`,
        email,
        display_name: 'Chris W',
        is_active: true,
      },
    });
    expect(await get(`/internal/members?keyword=${sub}`)).toEqual({
      status: 200,
      body: {
        items: [{ id, user_sub: sub, username: `chris${marker}`, email, display_name: 'Chris W', is_active: true }],
        total: 1,
        limit: 500,
        offset: 0,
      },
    });
  });

  it('ends the sessions of an account it deactivates, so its tokens stop working at once', async () => {
    const sub = `idp-${marker}-leaver`;
    const email = `leaver-${marker}@example.com`;
    const { id } = (await post('/internal/users/upsert-by-sub', { user_sub: sub, email })).body as { id: string };
    // A password set through a setup ticket opens a real session.
    const ticket = await stack.graphql<{ issuePasswordSetup: { token: string } }>(
      'mutation ($u: ID!) { issuePasswordSetup(userId: $u) { token } }',
      { token: admin.token, variables: { u: id } },
    );
    const signedIn = await stack.graphql<{ completePasswordSetup: { accessToken: string } }>(
      'mutation ($t: String!) { completePasswordSetup(token: $t, newPassword: "orchid-lantern-drifts-4") { accessToken } }',
      { variables: { t: ticket.data!.issuePasswordSetup.token } },
    );
    const token = signedIn.data!.completePasswordSetup.accessToken;
    const me = () =>
      fetch(`${stack.gatewayUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        (response) => response.status,
      );
    expect(await me()).toBe(200);

    const deactivated = await post('/internal/users/upsert-by-sub', { user_sub: sub, email, is_active: false });
    expect(deactivated).toMatchObject({ status: 200, body: { id, is_active: false } });
    expect(await me()).toBe(401);
  });

  it('answers 409 {detail: conflict} for the email of another subject', async () => {
    expect(
      await post('/internal/users/upsert-by-sub', { user_sub: `idp-${marker}-other`, email: first.email }),
    ).toEqual({ status: 409, body: { detail: 'conflict' } });
  });

  it('refuses a missing user_sub or email and a malformed email with 422 {detail: [{loc, msg, type}]}', async () => {
    expect(await post('/internal/users/upsert-by-sub', { email: `x-${marker}@example.com` })).toEqual(
      invalid(['body', 'user_sub']),
    );
    expect(await post('/internal/users/upsert-by-sub', { user_sub: `idp-${marker}-x` })).toEqual(
      invalid(['body', 'email']),
    );
    expect(await post('/internal/users/upsert-by-sub', { user_sub: `idp-${marker}-x`, email: 'not-an-email' })).toEqual(
      invalid(['body', 'email']),
    );
  });

  it('refuses a caller without keys and a client without users:write', async () => {
    const body = { user_sub: `idp-${marker}-nope`, email: `nope-${marker}@example.com` };
    expect(await post('/internal/users/upsert-by-sub', body, null)).toEqual(invalidClient);
    expect(await post('/internal/users/upsert-by-sub', body, reader)).toEqual(forbidden);
    expect(await post('/internal/idp/users/ensure', body, reader)).toEqual(forbidden);
  });
});

describe('POST /internal/idp/users/ensure (and /internal/authentik/users/ensure)', () => {
  for (const path of ['/internal/idp/users/ensure', '/internal/authentik/users/ensure']) {
    it(`${path}: created, then updated, with the account's id`, async () => {
      const label = path.split('/')[2]!;
      const body = {
        user_sub: `idp-${marker}-${label}`,
        email: `${label}-${marker}@example.com`,
        username: `${label}${marker}`,
        display_name: 'User One',
        is_active: true,
      };
      const created = await post(path, body, ensurer);
      expect(created).toEqual({
        status: 200,
        body: { idp_user_id: expect.any(String) as string, action: 'created' },
      });
      const idpUserId = (created.body as { idp_user_id: string }).idp_user_id;
      expect(await post(path, { ...body, display_name: 'User Two' }, ensurer)).toEqual({
        status: 200,
        body: { idp_user_id: idpUserId, action: 'updated' },
      });
      expect(await get(`/internal/members?keyword=${body.user_sub}`)).toEqual({
        status: 200,
        body: {
          items: [
            {
              id: idpUserId,
              user_sub: body.user_sub,
              username: body.username,
              email: body.email,
              display_name: 'User Two',
              is_active: true,
            },
          ],
          total: 1,
          limit: 500,
          offset: 0,
        },
      });
    });

    it(`${path}: refuses a caller without keys, a conflict and a malformed body`, async () => {
      expect(await post(path, { user_sub: `idp-${marker}-z`, email: `z-${marker}@example.com` }, null)).toEqual(
        invalidClient,
      );
      expect(await post(path, { user_sub: `idp-${marker}-z`, email: second.email })).toEqual({
        status: 409,
        body: { detail: 'conflict' },
      });
      expect(await post(path, { user_sub: `idp-${marker}-z`, email: 'x@example.com', is_active: 'yes' })).toEqual(
        invalid(['body', 'is_active']),
      );
    });
  }
});
