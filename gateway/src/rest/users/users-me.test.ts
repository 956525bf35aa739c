import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../lib/errors/index.js';
import { callRoute, signedInUser } from '../../../../test/support/route-harness.js';
import { usersRoutes } from './index.js';

/**
 * seed 004 `/api/v1/users/me` without the graph: the route's translation between the legacy body
 * and GraphQL, with a fake `graphql` (the full stack: test/rest/oauth-users.test.ts).
 */
const me = {
  id: signedInUser.userId,
  email: 'ada@example.com',
  emailVerified: true,
  username: 'ada',
  displayName: 'Ada Lovelace',
  role: 'GROUP_ADMIN',
  createdAt: '2026-01-02T03:04:05.000Z',
  lastLoginAt: null,
  memberProfile: { avatarUrl: 'https://cdn.example.com/ada.png' },
};

describe('GET /api/v1/users/me', () => {
  it("maps identity's account and member's picture to the legacy shape, roles in lower case", async () => {
    const answer = await callRoute(usersRoutes, 'get', '/api/v1/users/me', { answers: { OAuthMe: { me } } });
    expect(answer).toMatchObject({
      status: 200,
      body: {
        id: me.id,
        email: 'ada@example.com',
        email_verified: true,
        username: 'ada',
        full_name: 'Ada Lovelace',
        role: 'group_admin',
        profile_picture: 'https://cdn.example.com/ada.png',
        created_at: '2026-01-02T03:04:05.000Z',
        last_login: null,
      },
    });
    expect(Object.keys(answer.body as object).sort()).toEqual(
      [
        'created_at',
        'email',
        'email_verified',
        'full_name',
        'id',
        'last_login',
        'profile_picture',
        'role',
        'username',
      ].sort(),
    );
  });

  it('answers 401 invalid_token for a token whose account is gone', async () => {
    const answer = await callRoute(usersRoutes, 'get', '/api/v1/users/me', { answers: { OAuthMe: { me: null } } });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });
});

describe('PUT /api/v1/users/me', () => {
  const answers = {
    OAuthUpdateMyProfile: { updateMyProfile: { updatedAt: '2026-01-02T03:04:05.000Z' } },
    RestRenameMe: { updateMyAccount: { id: signedInUser.userId } },
    OAuthMe: { me },
  };

  it("writes member's fields first, then the name to identity, then answers as GET does", async () => {
    const answer = await callRoute(usersRoutes, 'put', '/api/v1/users/me', {
      body: { full_name: '  Ada King ', phone_number: '+886912345678', gender: 'female', birth_date: null },
      answers,
    });
    expect(answer.status).toBe(200);
    expect(answer.sent).toEqual([
      {
        operation: 'OAuthUpdateMyProfile',
        variables: { input: { phone: '+886912345678', gender: 'FEMALE', birthDate: null } },
      },
      { operation: 'RestRenameMe', variables: { input: { displayName: 'Ada King' } } },
      { operation: 'OAuthMe', variables: undefined },
    ]);
  });

  it('clears the name with null, and leaves it alone when full_name is absent', async () => {
    const cleared = await callRoute(usersRoutes, 'put', '/api/v1/users/me', { body: { full_name: null }, answers });
    expect(cleared.sent.find((s) => s.operation === 'RestRenameMe')?.variables).toEqual({
      input: { displayName: null },
    });
    const untouched = await callRoute(usersRoutes, 'put', '/api/v1/users/me', { body: { language: 'en' }, answers });
    expect(untouched.sent.map((s) => s.operation)).toEqual(['OAuthUpdateMyProfile', 'OAuthMe']);
  });

  it('refuses a bad name as 422 naming full_name, before anything is written', async () => {
    const answer = await callRoute(usersRoutes, 'put', '/api/v1/users/me', {
      body: { full_name: 'x'.repeat(101), currency: 'EUR' },
      answers,
    });
    expect(answer).toEqual({
      status: 422,
      body: {
        error: 'validation_failed',
        message: 'full_name must be 1 to 100 characters (null clears it)',
        details: { fields: [{ field: 'full_name', message: 'must be 1 to 100 characters (null clears it)' }] },
      },
      sent: [],
    });
  });

  it("renames member's validation errors to the legacy fields", async () => {
    const answer = await callRoute(usersRoutes, 'put', '/api/v1/users/me', {
      body: { phone_number: '0912' },
      answers: {
        OAuthUpdateMyProfile: () => {
          throw new AppError('VALIDATION_FAILED', 'phone must be an E.164 number', {
            details: { fields: [{ field: 'phone', message: 'must be an E.164 number' }] },
          });
        },
      },
    });
    expect(answer).toMatchObject({
      status: 422,
      body: {
        message: 'phone_number must be an E.164 number',
        details: { fields: [{ field: 'phone_number', message: 'must be an E.164 number' }] },
      },
    });
    expect(answer.sent.map((s) => s.operation)).toEqual(['OAuthUpdateMyProfile']);
  });

  it('refuses a body that breaks the schema with the validation error, running nothing', async () => {
    const answer = await callRoute(usersRoutes, 'put', '/api/v1/users/me', { body: { full_name: 5 }, answers });
    expect(answer).toMatchObject({ status: 422, body: { error: 'validation_failed' }, sent: [] });
  });
});
