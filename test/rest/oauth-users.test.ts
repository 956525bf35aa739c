import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import {
  answer,
  call,
  documentedStatuses,
  invalid,
  isoTimestamp,
  refusal,
  signUp,
  startOAuthStack,
} from './oauth-client.js';

/** seed 004 `/api/v1/users/me*` through the gateway: exact legacy shapes, real HTTP. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startOAuthStack();
});
afterAll(async () => {
  await stack?.stop();
});

const me = (token: string) => answer(stack, 'GET', '/api/v1/users/me', { token });
const updateMe = (token: string, body: unknown) => answer(stack, 'PUT', '/api/v1/users/me', { token, body });

async function storedProfile(token: string) {
  const response = await stack.graphql<{ me: { memberProfile: Record<string, unknown> | null } }>(
    '{ me { memberProfile { avatarUrl phone birthDate gender language currency } } }',
    { token },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.me.memberProfile;
}

/** The person's one name, as identity holds it (issue #13 point 5). */
async function storedName(token: string) {
  const response = await stack.graphql<{ me: { displayName: string | null } }>('{ me { displayName } }', { token });
  expect(response.errors).toBeUndefined();
  return response.data!.me.displayName;
}

describe('GET /api/v1/users/me', () => {
  it('answers exactly {id, email, email_verified, username, full_name, role, profile_picture, created_at, last_login}', async () => {
    const account = await signUp(stack, 'getme', { username: 'getme_user', displayName: 'Gete Me' });
    expect(await me(account.accessToken)).toEqual({
      status: 200,
      body: {
        id: account.id,
        email: account.email,
        email_verified: false,
        username: 'getme_user',
        full_name: 'Gete Me',
        role: 'user',
        profile_picture: null,
        created_at: isoTimestamp,
        last_login: isoTimestamp,
      },
    });
  });

  it('answers null for what an account has never had, and roles in lower case', async () => {
    const admin = await stack.createUser({ role: 'GROUP_ADMIN' });
    expect(await me(admin.token)).toEqual({
      status: 200,
      body: {
        id: admin.id,
        email: admin.email,
        email_verified: false,
        username: null,
        full_name: null,
        role: 'group_admin',
        profile_picture: null,
        created_at: isoTimestamp,
        last_login: null,
      },
    });
    const system = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    expect((await me(system.token)).body['role']).toBe('system_admin');
  });

  it("takes full_name from identity's one name and profile_picture from the member profile", async () => {
    const account = await signUp(stack, 'pictured', { displayName: 'Identity Name' });
    const update = await stack.graphql(
      'mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { updatedAt } }',
      { token: account.accessToken, variables: { input: { avatarUrl: 'https://x.test/a.png' } } },
    );
    expect(update.errors).toBeUndefined();
    expect((await me(account.accessToken)).body).toMatchObject({
      full_name: 'Identity Name',
      profile_picture: 'https://x.test/a.png',
    });
    const renamed = await stack.graphql(
      'mutation ($input: UpdateMyAccountInput!) { updateMyAccount(input: $input) { id } }',
      { token: account.accessToken, variables: { input: { displayName: 'Renamed Name' } } },
    );
    expect(renamed.errors).toBeUndefined();
    expect((await me(account.accessToken)).body).toMatchObject({
      full_name: 'Renamed Name',
      profile_picture: 'https://x.test/a.png',
    });
  });

  it('refuses a missing, invalid or ended bearer with 401', async () => {
    expect(await answer(stack, 'GET', '/api/v1/users/me')).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
    expect(await me('not.a.token')).toEqual(refusal(401, 'invalid_token', 'The token is invalid or expired'));
  });
});

describe('PUT /api/v1/users/me', () => {
  it('updates the profile from legacy fields and answers the user as GET does', async () => {
    const account = await signUp(stack, 'putme', { displayName: 'Before' });
    const expected = {
      status: 200,
      body: {
        id: account.id,
        email: account.email,
        email_verified: false,
        username: null,
        full_name: 'Jane Doe',
        role: 'user',
        profile_picture: null,
        created_at: isoTimestamp,
        last_login: isoTimestamp,
      },
    };
    expect(
      await updateMe(account.accessToken, {
        full_name: 'Jane Doe',
        phone_number: '+1234567890',
        birth_date: '1990-01-01',
        gender: 'female',
        language: 'zh-tw',
        currency: 'twd',
      }),
    ).toEqual(expected);
    expect(await me(account.accessToken)).toEqual(expected);
    expect(await storedName(account.accessToken)).toBe('Jane Doe');
    expect(await storedProfile(account.accessToken)).toEqual({
      avatarUrl: null,
      phone: '+1234567890',
      birthDate: '1990-01-01',
      gender: 'FEMALE',
      language: 'zh-TW',
      currency: 'TWD',
    });
  });

  it('leaves absent fields as they are, clears null ones, and maps every legacy gender', async () => {
    const account = await signUp(stack, 'partial', { displayName: 'Identity Name' });
    await updateMe(account.accessToken, { full_name: 'Profile Name', phone_number: '+886912345678' });
    for (const [legacy, graphql] of [
      ['male', 'MALE'],
      ['other', 'OTHER'],
      ['undisclosed', 'UNDISCLOSED'],
      ['female', 'FEMALE'],
    ] as const) {
      expect((await updateMe(account.accessToken, { gender: legacy })).status).toBe(200);
      expect(await storedProfile(account.accessToken)).toMatchObject({ gender: graphql, phone: '+886912345678' });
      expect(await storedName(account.accessToken)).toBe('Profile Name');
    }
    // The name is one value: clearing it leaves no other name behind.
    const cleared = await updateMe(account.accessToken, { full_name: null, gender: null });
    expect(cleared).toMatchObject({ status: 200, body: { full_name: null } });
    expect(await storedName(account.accessToken)).toBeNull();
    expect(await storedProfile(account.accessToken)).toMatchObject({
      gender: null,
      phone: '+886912345678',
    });
  });

  it("refuses values GraphQL rejects with 422, naming the legacy fields in GraphQL's message", async () => {
    const account = await signUp(stack, 'badput', { displayName: 'Kept Name' });
    expect(await updateMe(account.accessToken, { phone_number: '0912', birth_date: '1990-02-30' })).toEqual(
      refusal(
        422,
        'validation_failed',
        'phone_number must be an E.164 number such as +886912345678; birth_date is not a calendar date',
        {
          fields: [
            { field: 'phone_number', message: 'must be an E.164 number such as +886912345678' },
            { field: 'birth_date', message: 'is not a calendar date' },
          ],
        },
      ),
    );
    expect(await updateMe(account.accessToken, { full_name: '   ', phone_number: '+886912345678' })).toEqual(
      refusal(422, 'validation_failed', 'full_name must be 1 to 100 characters (null clears it)', {
        fields: [{ field: 'full_name', message: 'must be 1 to 100 characters (null clears it)' }],
      }),
    );
    expect((await updateMe(account.accessToken, { currency: 'XYZ' })).body['message']).toBe(
      'currency must be an ISO 4217 currency code such as TWD',
    );
    // Nothing was written.
    expect(await storedProfile(account.accessToken)).toBeNull();
    expect(await storedName(account.accessToken)).toBe('Kept Name');
  });

  it('refuses wrong types, unknown genders and malformed JSON with 422 before anything runs', async () => {
    const account = await signUp(stack, 'typed', { displayName: 'Kept Name' });
    expect(await updateMe(account.accessToken, { full_name: 5 })).toEqual(invalid('body.full_name'));
    expect(await updateMe(account.accessToken, { gender: 'FEMALE' })).toEqual(invalid('body.gender'));
    expect(await updateMe(account.accessToken, { birth_date: 19900101 })).toEqual(invalid('body.birth_date'));
    expect(await updateMe(account.accessToken, '{"full_name": "x"')).toEqual(
      refusal(422, 'validation_failed', 'The request body is not valid JSON'),
    );
    expect(await storedProfile(account.accessToken)).toBeNull();
    expect(await storedName(account.accessToken)).toBe('Kept Name');
  });

  it('refuses a missing bearer with 401', async () => {
    expect(await answer(stack, 'PUT', '/api/v1/users/me', { body: { full_name: 'x' } })).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
  });
});

describe('POST /api/v1/users/me/password', () => {
  const newPassword = 'violet-harbour-drums-42';
  const change = (token: string | undefined, body: unknown) =>
    answer(stack, 'POST', '/api/v1/users/me/password', { ...(token ? { token } : {}), body });
  const login = (email: string, password: string) =>
    call(stack, 'POST', '/api/v1/auth/login', { body: { email, password } });

  it('answers {"message": "Password changed"}; the new password signs in, other sessions end', async () => {
    const account = await signUp(stack, 'changer');
    const otherSession = (await login(account.email, account.password)).body['access_token'] as string;
    expect(
      await change(account.accessToken, { current_password: account.password, new_password: newPassword }),
    ).toEqual({ status: 200, body: { message: 'Password changed' } });
    expect((await login(account.email, newPassword)).status).toBe(200);
    expect((await login(account.email, account.password)).status).toBe(401);
    expect((await me(account.accessToken)).status).toBe(200);
    expect(await me(otherSession)).toEqual(refusal(401, 'invalid_token', 'The session has ended'));
  });

  it('refuses a wrong current password and a weak new one with 422, in legacy field names', async () => {
    const account = await signUp(stack, 'weakling');
    expect(await change(account.accessToken, { current_password: 'not-it', new_password: newPassword })).toEqual(
      refusal(422, 'validation_failed', 'current_password is not correct', {
        fields: [{ field: 'current_password', message: 'is not correct' }],
      }),
    );
    expect(
      await change(account.accessToken, { current_password: account.password, new_password: 'password123' }),
    ).toEqual({
      status: 422,
      body: {
        error: 'validation_failed',
        message: expect.stringMatching(/^new_password .*common/) as string,
        details: { fields: [{ field: 'new_password', message: expect.stringMatching(/common/) as string }] },
      },
    });
    expect((await login(account.email, account.password)).status).toBe(200);
  });

  it('refuses missing fields, wrong types and malformed JSON with 422, and no bearer with 401', async () => {
    const account = await signUp(stack, 'shapeless');
    expect(await change(account.accessToken, { current_password: account.password })).toEqual(
      invalid('body.new_password'),
    );
    expect(await change(account.accessToken, { current_password: 1, new_password: newPassword })).toEqual(
      invalid('body.current_password'),
    );
    expect(await change(account.accessToken, '{"current_password"')).toEqual(
      refusal(422, 'validation_failed', 'The request body is not valid JSON'),
    );
    expect(await change(undefined, { current_password: account.password, new_password: newPassword })).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
  });
});

it('documents the users/me paths and their refusals in /openapi.json', async () => {
  const doc = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  };
  const statuses = (path: string, method: string) => Object.keys(doc.paths[path]![method]!.responses);
  expect(statuses('/api/v1/users/me', 'get')).toEqual(documentedStatuses('403'));
  expect(statuses('/api/v1/users/me', 'put')).toEqual(documentedStatuses('403'));
  expect(statuses('/api/v1/users/me/password', 'post')).toEqual(documentedStatuses('403'));
  expect(JSON.stringify(doc.paths['/api/v1/users/me']!['put']!.requestBody)).toContain('phone_number');
});
