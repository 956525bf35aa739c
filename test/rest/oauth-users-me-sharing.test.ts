import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import { answer, invalid, refusal, startOAuthStack } from './oauth-client.js';

/** seed 004 `/api/v1/users/me/permissions` through the gateway, and the GraphQL it runs on. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startOAuthStack();
});
afterAll(async () => {
  await stack?.stop();
});

const defaults = {
  single_sign_on: true,
  share_name: true,
  share_gender: false,
  share_birth_date: false,
  share_email: true,
  share_phone: false,
};

const permissions = (token: string) => answer(stack, 'GET', '/api/v1/users/me/permissions', { token });
const setPermissions = (token: string, body: unknown) =>
  answer(stack, 'PUT', '/api/v1/users/me/permissions', { token, body });

const sharingFields = 'singleSignOn shareName shareGender shareBirthDate shareEmail sharePhone';

async function graphQLSharing(token: string) {
  const response = await stack.graphql<{ me: { memberProfile: { sharing: Record<string, boolean> } | null } }>(
    `{ me { memberProfile { sharing { ${sharingFields} } } } }`,
    { token },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.me.memberProfile?.sharing ?? null;
}

describe('GET /api/v1/users/me/permissions', () => {
  it('answers the documented defaults to a member who never changed them (and has no profile yet)', async () => {
    const user = await stack.createUser();
    expect(await permissions(user.token)).toEqual({ status: 200, body: defaults });
    expect(await graphQLSharing(user.token)).toBeNull();
  });

  it('refuses a missing or invalid bearer with 401', async () => {
    expect(await answer(stack, 'GET', '/api/v1/users/me/permissions')).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
    expect(await permissions('not.a.token')).toEqual(refusal(401, 'invalid_token', 'The token is invalid or expired'));
  });
});

describe('PUT /api/v1/users/me/permissions', () => {
  it('changes only the preferences sent, keeps the others, and answers all six as GET does', async () => {
    const user = await stack.createUser();
    const first = { ...defaults, share_gender: true, share_birth_date: true };
    expect(await setPermissions(user.token, { share_gender: true, share_birth_date: true })).toEqual({
      status: 200,
      body: first,
    });
    expect(await permissions(user.token)).toEqual({ status: 200, body: first });

    const second = { ...first, single_sign_on: false, share_email: false };
    expect(await setPermissions(user.token, { single_sign_on: false, share_email: false })).toEqual({
      status: 200,
      body: second,
    });
    expect(await permissions(user.token)).toEqual({ status: 200, body: second });
    // Frontends read the same through GraphQL.
    expect(await graphQLSharing(user.token)).toEqual({
      singleSignOn: false,
      shareName: true,
      shareGender: true,
      shareBirthDate: true,
      shareEmail: false,
      sharePhone: false,
    });
  });

  it('changes nothing for an empty body', async () => {
    const user = await stack.createUser();
    expect(await setPermissions(user.token, { share_phone: true })).toEqual({
      status: 200,
      body: { ...defaults, share_phone: true },
    });
    expect(await setPermissions(user.token, {})).toEqual({ status: 200, body: { ...defaults, share_phone: true } });
  });

  it('keeps the preferences when the profile changes, and the profile when they change', async () => {
    const user = await stack.createUser();
    expect(
      (await answer(stack, 'PUT', '/api/v1/users/me', { token: user.token, body: { full_name: 'Kept' } })).status,
    ).toBe(200);
    expect((await setPermissions(user.token, { share_phone: true })).status).toBe(200);
    expect(
      (await answer(stack, 'PUT', '/api/v1/users/me', { token: user.token, body: { currency: 'twd' } })).status,
    ).toBe(200);
    expect(await permissions(user.token)).toEqual({ status: 200, body: { ...defaults, share_phone: true } });
    expect((await answer(stack, 'GET', '/api/v1/users/me', { token: user.token })).body['full_name']).toBe('Kept');
  });

  it.each([
    ['a string', { share_gender: 'yes' }, ['body.share_gender']],
    ['a number', { share_email: 1 }, ['body.share_email']],
    ['null', { share_name: null }, ['body.share_name']],
    ['an unknown key', { share_gender: true, share_everything: true }, ['body']],
  ])('refuses %s with the validation error and changes nothing', async (_label, body, fields) => {
    const user = await stack.createUser();
    expect(await setPermissions(user.token, body)).toEqual(invalid(...fields));
    expect(await permissions(user.token)).toEqual({ status: 200, body: defaults });
  });

  it('refuses a body that is not JSON', async () => {
    const user = await stack.createUser();
    expect(await setPermissions(user.token, '{"share_gender": tru')).toEqual(
      refusal(422, 'validation_failed', 'The request body is not valid JSON'),
    );
  });

  it('refuses a missing bearer with 401 and changes nothing', async () => {
    expect(await answer(stack, 'PUT', '/api/v1/users/me/permissions', { body: { share_gender: true } })).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
  });
});

describe('updateMySharingPreferences (GraphQL)', () => {
  const mutation = `mutation ($input: UpdateMySharingPreferencesInput!) {
    updateMySharingPreferences(input: $input) { ${sharingFields} }
  }`;

  it('creates the profile with the defaults plus the change', async () => {
    const user = await stack.createUser();
    const response = await stack.graphql(mutation, { token: user.token, variables: { input: { sharePhone: true } } });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      updateMySharingPreferences: {
        singleSignOn: true,
        shareName: true,
        shareGender: false,
        shareBirthDate: false,
        shareEmail: true,
        sharePhone: true,
      },
    });
  });

  it('refuses null as a preference', async () => {
    const user = await stack.createUser();
    const response = await stack.graphql(mutation, { token: user.token, variables: { input: { shareName: null } } });
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'shareName', message: 'must be true or false' }] },
    });
  });

  it('refuses anonymous callers with UNAUTHENTICATED', async () => {
    const response = await stack.graphql(mutation, { variables: { input: { shareName: false } } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
