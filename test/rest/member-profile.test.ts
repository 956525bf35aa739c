import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberRoutes } from '../../gateway/src/rest/members/index.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { MemberProfile } from '../../subgraphs/member/src/profile/member-profile.entity.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { deleteMember, memberAnswer, memberError, unrevokedToken } from './member-client.js';
import { call, signUp } from './oauth-client.js';
import { png } from './picture-fixtures.js';

/** seed 003 `GET`/`PATCH /api/v1/members/me` through the gateway: MemberMeData in the envelope. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const success = (data: unknown) => ({ code: 102000, message: 'SUCCESS', data });

/** The person's one name, as identity holds it (issue #13 point 5): what display_name writes and reads. */
async function nameOf(token: string) {
  const response = await stack.graphql<{ me: { displayName: string | null } }>('{ me { displayName } }', { token });
  expect(response.errors).toBeUndefined();
  return response.data!.me.displayName;
}

describe('GET /api/v1/members/me', () => {
  it('answers MemberMeData for a member without a profile, leaving out empty fields', async () => {
    const user = await stack.createUser({ tenantSlug: 'members-get' });
    const account = await stack.subgraphs.identity.database.fork().findOneOrFail(UserAccount, user.id);
    const response = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: success({
        tenant_id: user.tenantId,
        uid: user.id,
        zitadel_email: user.email,
        status: 'active',
        origin: 'local',
        business_email_verified: false,
        business_phone_verified: false,
        totp_enrolled: false,
        create_at: account.createdAt.getTime(),
        update_at: account.createdAt.getTime(),
      }),
    });
  });

  it('answers 401 29501000 without a valid bearer token', async () => {
    for (const token of [undefined, 'garbage']) {
      const response = await call(stack, 'GET', '/api/v1/members/me', token ? { token } : {});
      expect({ status: response.status, code: response.body['code'] }).toEqual({ status: 401, code: 29501000 });
      expect(typeof response.body['message']).toBe('string');
      expect(Object.keys(response.body).sort()).toEqual(['code', 'message']);
    }
  });

  it('says origin local for a self-registered account and idp for one provisioned by subject', async () => {
    const registered = await signUp(stack, 'members-origin');
    expect(
      (await call(stack, 'GET', '/api/v1/members/me', { token: registered.accessToken })).body['data'],
    ).toMatchObject({ uid: registered.id, origin: 'local', status: 'active' });

    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const userSub = `idp-subject-${randomUUID()}`;
    const provisioned = await stack.graphql<{ upsertUserBySub: { user: { id: string; tenantId: string } } }>(
      'mutation ($input: ProvisionUserInput!) { upsertUserBySub(input: $input) { user { id tenantId } } }',
      { token: admin.token, variables: { input: { userSub, email: `provisioned-${randomUUID()}@example.com` } } },
    );
    expect(provisioned.errors).toBeUndefined();
    const account = provisioned.data!.upsertUserBySub.user;
    const token = await unrevokedToken(stack, account);
    expect((await call(stack, 'GET', '/api/v1/members/me', { token })).body['data']).toMatchObject({
      uid: account.id,
      origin: 'idp',
      status: 'active',
    });
  });

  it('says status disabled for a deactivated account whose token is still accepted', async () => {
    const user = await stack.createUser();
    await stack.subgraphs.identity.database.fork().nativeUpdate(UserAccount, { id: user.id }, { isActive: false });
    const response = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    expect({ status: response.status, data: response.body['data'] }).toMatchObject({
      status: 200,
      data: { uid: user.id, status: 'disabled', origin: 'local' },
    });
  });

  it('answers 404 29301000 when the account behind a still-valid token is gone', async () => {
    const user = await stack.createUser();
    const em = stack.subgraphs.identity.database.fork();
    await em.execute(
      'delete from "identity"."refresh_token" where session_id in (select id from "identity"."session" where user_id = ?)',
      [user.id],
    );
    await em.execute('delete from "identity"."session" where user_id = ?', [user.id]);
    await em.nativeDelete(UserAccount, { id: user.id });
    const response = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    expect({ status: response.status, code: response.body['code'] }).toEqual({ status: 404, code: 29301000 });
  });
});

describe('PATCH /api/v1/members/me', () => {
  it('updates the given fields, normalizes them, and answers the member as GET does', async () => {
    const user = await stack.createUser();
    const patched = await call(stack, 'PATCH', '/api/v1/members/me', {
      token: user.token,
      body: {
        display_name: '  王小明 ',
        avatar: 'https://cdn.example.com/a.png',
        language: 'zh-tw',
        currency: 'twd',
        phone: '+886912345678',
      },
    });
    expect(patched.status).toBe(200);
    const data = patched.body['data'] as Record<string, unknown>;
    expect(data).toMatchObject({
      display_name: '王小明',
      avatar: 'https://cdn.example.com/a.png',
      language: 'zh-TW',
      currency: 'TWD',
      phone: '+886912345678',
    });
    expect(data['update_at']).toBeGreaterThanOrEqual(data['create_at'] as number);
    const fetched = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    expect(fetched.body).toEqual(patched.body);
    expect(await nameOf(user.token)).toBe('王小明');

    // Absent fields stay; an empty string clears one.
    const cleared = await call(stack, 'PATCH', '/api/v1/members/me', { token: user.token, body: { avatar: '' } });
    expect(cleared.body['data']).toMatchObject({ display_name: '王小明', phone: '+886912345678' });
    expect(cleared.body['data']).not.toHaveProperty('avatar');

    // The name too: an empty display_name clears identity's one name.
    const unnamed = await call(stack, 'PATCH', '/api/v1/members/me', { token: user.token, body: { display_name: '' } });
    expect(unnamed.status).toBe(200);
    expect(unnamed.body['data']).toMatchObject({ phone: '+886912345678', language: 'zh-TW' });
    expect(unnamed.body['data']).not.toHaveProperty('display_name');
    expect(await nameOf(user.token)).toBeNull();
  });

  it('refuses malformed fields with 400 10101000 naming them, and changes nothing', async () => {
    const user = await stack.createUser();
    const named = await call(stack, 'PATCH', '/api/v1/members/me', {
      token: user.token,
      body: { display_name: 'Before', phone: '+886912345678' },
    });
    expect(named.status).toBe(200);
    const before = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    expect(before.body['data']).toMatchObject({ display_name: 'Before', phone: '+886912345678' });
    const bad = [
      { phone: '0912345678' },
      { language: 'not a tag!' },
      { currency: 'XYZ' },
      { avatar: 'javascript:alert(1)' },
      { display_name: 'x'.repeat(101) },
      { display_name: '   ', language: 'fr' },
      { display_name: 'Fine', phone: '12' },
      { display_name: 42 },
    ];
    for (const body of bad) {
      const response = await call(stack, 'PATCH', '/api/v1/members/me', { token: user.token, body });
      expect({ body, status: response.status, code: response.body['code'] }).toEqual({
        body,
        status: 400,
        code: 10101000,
      });
    }
    const both = await call(stack, 'PATCH', '/api/v1/members/me', {
      token: user.token,
      body: { avatar: 'ftp://x', phone: '1' },
    });
    expect(both.body['message']).toMatch(/avatar .*; phone /);
    const after = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    expect(after.body).toEqual(before.body);
    expect(await nameOf(user.token)).toBe('Before');
  });

  it('answers 400 10101000 for a body that is not JSON', async () => {
    const user = await stack.createUser();
    const response = await call(stack, 'PATCH', '/api/v1/members/me', { token: user.token, body: '{nope' });
    expect({ status: response.status, code: response.body['code'] }).toEqual({ status: 400, code: 10101000 });
  });

  it('answers 404 29301000 for an account deleted since its token was issued, and writes nothing', async () => {
    const user = await stack.createUser();
    await deleteMember(stack, user);
    const token = await unrevokedToken(stack, user);
    expect(
      await memberAnswer(stack, 'PATCH', '/api/v1/members/me', { token, body: { display_name: 'Ghost' } }),
    ).toEqual(memberError(404, 29301000));
    expect(await memberAnswer(stack, 'GET', '/api/v1/members/me', { token })).toEqual(memberError(404, 29301000));
    // No orphan profile row for an account that is gone, and no name written to the deleted account.
    expect(await stack.subgraphs.member.database.fork().count(MemberProfile, { userId: user.id })).toBe(0);
    const account = await stack.subgraphs.identity.database.fork().findOneOrFail(UserAccount, user.id);
    expect(account.displayName ?? null).toBeNull();
  });

  it.each(['', null])(
    'clears an uploaded profile picture with avatar %j, which then is no longer served',
    async (avatar) => {
      const user = await stack.createUser();
      const form = new FormData();
      form.append('file', new Blob([png([0, 128, 255])], { type: 'image/png' }), 'me.png');
      const uploaded = await fetch(`${stack.gatewayUrl}/api/v1/users/me/profile-picture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
        body: form,
      });
      expect(uploaded.status).toBe(200);
      const before = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
      const picture = (before.body['data'] as { avatar?: string }).avatar;
      expect(picture).toMatch(/\/media\/profile-pictures\//);
      const servedBefore = await fetch(`${stack.gatewayUrl}${new URL(picture!).pathname}`);
      expect(servedBefore.status).toBe(200);

      const cleared = await call(stack, 'PATCH', '/api/v1/members/me', { token: user.token, body: { avatar } });
      expect(cleared.status).toBe(200);
      expect(cleared.body['data']).not.toHaveProperty('avatar');
      expect((await call(stack, 'GET', '/api/v1/members/me', { token: user.token })).body['data']).not.toHaveProperty(
        'avatar',
      );
      expect((await fetch(`${stack.gatewayUrl}${new URL(picture!).pathname}`)).status).toBe(404);
    },
  );

  it('reports an enrolled authenticator as totp_enrolled', async () => {
    const user = await stack.createUser();
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token: user.token },
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const { generate } = await import('otplib');
    const confirmed = await stack.graphql(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
      {
        token: user.token,
        variables: { c: await generate({ secret }) },
      },
    );
    expect(confirmed.errors).toBeUndefined();
    const response = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    expect(response.body['data']).toMatchObject({ totp_enrolled: true });
  });
});

describe('authentication of every /api/v1/members/me* route', () => {
  const routes = memberRoutes.map((route) => [route.method.toUpperCase(), route.path] as const);

  it('are exactly the twelve endpoints of seed 003', () => {
    const seed = [
      'GET /me',
      'PATCH /me',
      'POST /me/verifications/email/start',
      'POST /me/verifications/email/confirm',
      'POST /me/verifications/phone/start',
      'POST /me/verifications/phone/confirm',
      'GET /me/totp',
      'POST /me/totp/enroll-start',
      'POST /me/totp/enroll-confirm',
      'POST /me/totp/verify',
      'POST /me/totp/backup-codes',
      'DELETE /me/totp',
    ];
    const declared = routes.map(([method, path]) => `${method} ${path.replace('/api/v1/members', '')}`);
    expect(declared.sort()).toEqual(seed.sort());
  });

  it.each(routes)('%s %s answers 401 29501000 without a bearer or with a bad one', async (method, path) => {
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    expect(await memberAnswer(stack, method, path, { body })).toEqual(memberError(401, 29501000));
    for (const authorization of ['Bearer not-a-token', 'Basic dXNlcjpwYXNz'])
      expect(await memberAnswer(stack, method, path, { body, headers: { authorization } })).toEqual(
        memberError(401, 29501000),
      );
  });
});
