import { describe, expect, it } from 'vitest';
import { callRoute, signedInUser } from '../../../../test/support/route-harness.js';
import { memberRoutes } from './index.js';

/**
 * seed 003 `/api/v1/members/me` without the graph (the full stack: test/rest/member-profile.test.ts):
 * the envelope, the omitted empty fields, and the one name written to identity.
 */
const me = {
  id: signedInUser.userId,
  sub: 'idp|ada',
  tenantId: signedInUser.tenantId,
  email: 'ada@example.com',
  isActive: true,
  displayName: '陳大文',
  createdAt: '2026-01-02T03:04:05.000Z',
  memberProfile: {
    avatarUrl: null,
    phone: '+886912345678',
    language: 'zh-TW',
    currency: null,
    businessEmail: null,
    businessEmailVerified: false,
    businessPhone: null,
    businessPhoneVerified: false,
    updatedAt: '2026-01-03T00:00:00.000Z',
  },
};
const answers = {
  MemberMe: { me, myTotp: { enrolled: true } },
  MemberExists: { me: { id: me.id } },
  MemberUpdateMe: { updateMyProfile: { updatedAt: me.memberProfile.updatedAt } },
  RestRenameMe: { updateMyAccount: { id: me.id } },
};

describe('GET /api/v1/members/me', () => {
  it("answers MemberMeData in the envelope: identity's name, empty fields left out, Unix milliseconds", async () => {
    expect(await callRoute(memberRoutes, 'get', '/api/v1/members/me', { answers })).toMatchObject({
      status: 200,
      body: {
        code: 102000,
        message: 'SUCCESS',
        data: {
          tenant_id: me.tenantId,
          uid: me.id,
          zitadel_email: 'ada@example.com',
          display_name: '陳大文',
          phone: '+886912345678',
          language: 'zh-TW',
          status: 'active',
          origin: 'idp',
          business_email_verified: false,
          business_phone_verified: false,
          totp_enrolled: true,
          create_at: Date.parse(me.createdAt),
          update_at: Date.parse(me.memberProfile.updatedAt),
        },
      },
    });
    // What the client receives: JSON, where an empty (omitempty) field is absent.
    const sent = await callRoute(memberRoutes, 'get', '/api/v1/members/me', { answers });
    const data = (JSON.parse(JSON.stringify(sent.body)) as { data: object }).data;
    expect(Object.keys(data)).not.toContain('avatar');
    expect(Object.keys(data)).not.toContain('currency');
  });

  it('answers 404 29301000 when the account is gone', async () => {
    const answer = await callRoute(memberRoutes, 'get', '/api/v1/members/me', {
      answers: { MemberMe: { me: null, myTotp: { enrolled: false } } },
    });
    expect(answer).toMatchObject({ status: 404, body: { code: 29301000 } });
  });
});

describe('PATCH /api/v1/members/me', () => {
  it("writes member's fields, then the trimmed name to identity; an empty string clears", async () => {
    const renamed = await callRoute(memberRoutes, 'patch', '/api/v1/members/me', {
      body: { display_name: ' Ada ', currency: '' },
      answers,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.sent.map((s) => [s.operation, s.variables])).toEqual([
      ['MemberExists', undefined],
      ['MemberUpdateMe', { input: { currency: null } }],
      ['RestRenameMe', { input: { displayName: 'Ada' } }],
      ['MemberMe', undefined],
    ]);
    const cleared = await callRoute(memberRoutes, 'patch', '/api/v1/members/me', {
      body: { display_name: '' },
      answers,
    });
    expect(cleared.sent.find((s) => s.operation === 'RestRenameMe')?.variables).toEqual({
      input: { displayName: null },
    });
  });

  it('refuses a bad name with 400 10101000 before writing anything', async () => {
    const answer = await callRoute(memberRoutes, 'patch', '/api/v1/members/me', {
      body: { display_name: '   ', language: 'fr' },
      answers,
    });
    expect(answer).toMatchObject({ status: 400, body: { code: 10101000 } });
    expect(answer.sent.map((s) => s.operation)).toEqual(['MemberExists']);
  });

  it('answers 404 29301000 for an account that is gone, writing nothing', async () => {
    const answer = await callRoute(memberRoutes, 'patch', '/api/v1/members/me', {
      body: { display_name: 'Ghost' },
      answers: { ...answers, MemberExists: { me: null } },
    });
    expect(answer).toMatchObject({ status: 404, body: { code: 29301000 } });
    expect(answer.sent.map((s) => s.operation)).toEqual(['MemberExists']);
  });
});
