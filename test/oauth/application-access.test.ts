import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import { codeFor, exchange, registerApplication, startFlowStack } from './flow.js';

/**
 * What an application's access token may do for its user: read with `read`, the profile mutations
 * member opens to applications with `write`, and never the account's security or administration.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startFlowStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function applicationToken(scope: string, role: 'USER' | 'SYSTEM_ADMIN' = 'USER') {
  const app = await registerApplication(stack);
  const user = await stack.createUser({ role });
  const tokens = await exchange(stack, app, await codeFor(stack, app, user.token, scope));
  return { token: tokens.access_token, user };
}

const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.['code'];

const updateProfile = 'mutation { updateMyProfile(input: { language: "fr-ca" }) { language } }';

describe('an application token', () => {
  it('with read reads the user, and may not write', async () => {
    const { token, user } = await applicationToken('read');
    const me = await stack.graphql<{ me: { id: string } }>('{ me { id } }', { token });
    expect(me.data?.me.id).toBe(user.id);
    expect(codeOf(await stack.graphql(updateProfile, { token }))).toBe('FORBIDDEN');
  });

  it('with write edits the profile, but never the password, the second factor or API clients', async () => {
    const { token } = await applicationToken('read write');
    const updated = await stack.graphql<{ updateMyProfile: { language: string } }>(updateProfile, { token });
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateMyProfile.language).toBe('fr-CA');
    const refused = [
      'mutation { changePassword(currentPassword: "a-password-1", newPassword: "another-password-2") }',
      'mutation { startTotpEnrollment { otpauthUrl } }',
      'mutation { startBusinessEmailVerification(email: "x@example.com") { challengeId } }',
    ];
    for (const mutation of refused)
      expect({ mutation, code: codeOf(await stack.graphql(mutation, { token })) }).toEqual({
        mutation,
        code: 'FORBIDDEN',
      });
  });

  it("with write renames the person, as seed 004's PUT /users/me does with the rest of the profile", async () => {
    const { token, user } = await applicationToken('read write');
    const rename = 'mutation { updateMyAccount(input: { displayName: "Via App" }) { displayName } }';
    expect((await stack.graphql(rename, { token })).data).toEqual({ updateMyAccount: { displayName: 'Via App' } });
    const put = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ full_name: 'Via App Put', phone_number: '+886912345678' }),
    });
    expect(put.status).toBe(200);
    const me = await stack.graphql<{ me: unknown }>('{ me { displayName memberProfile { phone } } }', {
      token: user.token,
    });
    expect(me.data?.me).toEqual({ displayName: 'Via App Put', memberProfile: { phone: '+886912345678' } });
  });

  it('with read may not rename the person, and a refused PUT /users/me writes nothing', async () => {
    const { token, user } = await applicationToken('read');
    const rename = 'mutation { updateMyAccount(input: { displayName: "Via App" }) { displayName } }';
    expect(codeOf(await stack.graphql(rename, { token }))).toBe('FORBIDDEN');
    const put = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ full_name: 'Via App Put', phone_number: '+886912345678' }),
    });
    expect(put.status).toBe(403);
    const me = await stack.graphql<{ me: unknown }>('{ me { displayName memberProfile { phone } } }', {
      token: user.token,
    });
    expect(me.data?.me).toEqual({ displayName: null, memberProfile: null });
  });

  it("of an administrator carries none of the administrator's power", async () => {
    const { token } = await applicationToken('read write', 'SYSTEM_ADMIN');
    expect(codeOf(await stack.graphql('{ users(page: 1, limit: 5) { total } }', { token }))).toBe('FORBIDDEN');
    expect(
      codeOf(await stack.graphql('mutation { createTenant(input: { slug: "x-app", name: "X" }) { id } }', { token })),
    ).toBe('FORBIDDEN');
  });

  it('may end its own session', async () => {
    const { token } = await applicationToken('read');
    const out = await stack.graphql<{ logout: boolean }>('mutation { logout }', { token });
    expect(out.data?.logout).toBe(true);
    expect((await stack.graphql('{ me { id } }', { token })).status).toBe(401);
  });
});
