import { describe, expect, it } from 'vitest';
import type { ServicePrincipal } from '../../../../lib/auth/principal.js';
import { AppError } from '../../../../lib/errors/index.js';
import { callRoute } from '../../../../test/support/route-harness.js';
import { internalRoutes } from './index.js';

/**
 * seed 000's member directory and provisioning without the graph (the full stack:
 * test/rest/internal-users.test.ts): FastAPI's shapes and its `{"detail": ...}` refusals.
 */
const principal: ServicePrincipal = { kind: 'service', clientId: 'batch-job', scopes: ['users:read', 'users:write'] };
const account = {
  id: '00000000-0000-4000-8000-000000000001',
  sub: 'idp|chris',
  username: 'chris',
  email: 'chris@example.com',
  displayName: 'Chris W',
  isActive: true,
};

describe('GET /internal/members', () => {
  it('passes keyword and paging through, and answers the page in seed 000 names', async () => {
    const answer = await callRoute(internalRoutes, 'get', '/internal/members', {
      principal,
      query: { keyword: 'chris', limit: '10', offset: '20' },
      answers: { InternalMembers: { members: { items: [account], total: 21, limit: 10, offset: 20 } } },
    });
    expect(answer.sent).toEqual([
      { operation: 'InternalMembers', variables: { keyword: 'chris', limit: 10, offset: 20 } },
    ]);
    expect(answer).toMatchObject({
      status: 200,
      body: {
        items: [
          {
            id: account.id,
            user_sub: 'idp|chris',
            username: 'chris',
            email: 'chris@example.com',
            display_name: 'Chris W',
            is_active: true,
          },
        ],
        total: 21,
        limit: 10,
        offset: 20,
      },
    });
  });

  it('refuses malformed paging with the FastAPI list form, running nothing', async () => {
    const answer = await callRoute(internalRoutes, 'get', '/internal/members', { principal, query: { limit: '0' } });
    expect(answer).toMatchObject({ status: 422, body: { detail: [{ loc: ['query', 'limit'] }] }, sent: [] });
  });
});

describe('POST /internal/users/upsert-by-sub', () => {
  it('sends only the fields given, and answers the account in seed 000 names', async () => {
    const answer = await callRoute(internalRoutes, 'post', '/internal/users/upsert-by-sub', {
      principal,
      body: { user_sub: 'idp|chris', email: 'chris@example.com', display_name: 'Chris W', username: null },
      answers: {
        InternalUpsertUserBySub: { upsertUserBySub: { user: account, action: 'CREATED', idpUserId: account.id } },
      },
    });
    expect(answer.sent[0]?.variables).toEqual({
      input: { userSub: 'idp|chris', email: 'chris@example.com', displayName: 'Chris W' },
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { id: account.id, user_sub: 'idp|chris', idp_user_id: account.id, display_name: 'Chris W' },
    });
  });

  it("names GraphQL's validation problems by the legacy body's fields", async () => {
    const answer = await callRoute(internalRoutes, 'post', '/internal/users/upsert-by-sub', {
      principal,
      body: { user_sub: 'idp|chris', email: 'not-an-address' },
      answers: {
        InternalUpsertUserBySub: () => {
          throw new AppError('VALIDATION_FAILED', 'userSub and email are invalid', {
            details: {
              fields: [
                { field: 'userSub', message: 'is too long' },
                { field: 'email', message: 'must be an email' },
              ],
            },
          });
        },
      },
    });
    expect(answer).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'user_sub'] }, { loc: ['body', 'email'] }] },
    });
  });
});
