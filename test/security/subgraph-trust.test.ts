import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_SECONDS } from '../../lib/auth/access-token.js';
import { createUserFactsSeal } from '../../lib/auth/user-facts.js';
import { AuditEntry } from '../../subgraphs/admin/src/audit/audit-entry.entity.js';
import { PermissionGrant } from '../../subgraphs/catalog/src/permission/permission-grant.entity.js';
import { MemberProfile } from '../../subgraphs/member/src/profile/member-profile.entity.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';

/**
 * Subgraphs are on a private network, but each still decides from what it owns or can verify: a
 * caller who reaches a subgraph's port directly cannot claim another tenant or subject in an entity
 * representation, use a token of an ended session, or one issued in the future.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

type Extension = 'member' | 'sharing' | 'catalog' | 'admin';
const extensions: Record<Extension, { subgraph: 'member' | 'catalog' | 'admin'; selection: string }> = {
  member: { subgraph: 'member', selection: 'memberProfile { phone }' },
  sharing: { subgraph: 'member', selection: 'sharingPreferences { shareEmail }' },
  catalog: { subgraph: 'catalog', selection: 'permissions { scopeId }' },
  admin: { subgraph: 'admin', selection: 'auditTrail(limit: 5) { action }' },
};

/** The victim's member data, looked for in every refused answer. */
const victimPhone = '+886912345699';

/** `phone` tells the users apart in what member answers. */
async function giveData(user: TestUser, phone: string): Promise<void> {
  const member = stack.subgraphs.member.database.fork();
  await member.persistAndFlush(
    member.create(MemberProfile, { userId: user.id, tenantId: user.tenantId, phone, language: 'en' }),
  );
  const catalog = stack.subgraphs.catalog.database.fork();
  await catalog.persistAndFlush(
    catalog.create(PermissionGrant, {
      userSub: user.id,
      scopeType: 'SITE',
      scopeKey: `ST20260331X${String(Math.floor(Math.random() * 9000) + 1000)}`,
      systemKey: 'ST20260331X1234',
      moduleKey: 'MD20260331X5678',
      actions: ['view'],
    }),
  );
  const admin = stack.subgraphs.admin.database.fork();
  await admin.persistAndFlush(
    admin.create(AuditEntry, {
      action: 'user.login',
      subjectUserId: user.id,
      tenantId: user.tenantId,
      occurredAt: new Date(),
    }),
  );
}

/** Identity's sealed facts for a user, read with the caller's own token (null where identity refuses). */
async function factsOf(user: { id: string }, token: string): Promise<string | null> {
  const response = await stack.graphql<{ _entities: ({ accessFacts: string | null } | null)[] }>(
    'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { accessFacts } } }',
    { url: stack.subgraphs.identity.url, token, variables: { r: [{ __typename: 'User', id: user.id }] } },
  );
  return response.data?._entities[0]?.accessFacts ?? null;
}

/** An `_entities` request straight at a subgraph's port, with whatever representation the caller writes. */
function entityAt(extension: Extension, representation: Record<string, unknown>, token: string) {
  const { subgraph, selection } = extensions[extension];
  return stack.graphql<{ _entities: (Record<string, unknown> | null)[] }>(
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id ${selection} } } }`,
    { url: stack.subgraphs[subgraph].url, token, variables: { r: [{ __typename: 'User', ...representation }] } },
  );
}

describe('entity representations sent straight to a subgraph', () => {
  it('a group admin claiming its own tenant for another tenant’s user reads none of that user’s data', async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'tenant-b' });
    const colleague = await stack.createUser({ tenantSlug: 'tenant-b' });
    const victim = await stack.createUser({ tenantSlug: 'tenant-c' });
    await giveData(colleague, '+886912345601');
    await giveData(victim, victimPhone);
    const colleagueFacts = await factsOf(colleague, groupAdmin.token);
    expect(colleagueFacts).toEqual(expect.any(String));
    // Identity itself does not hand out the victim's facts to this admin.
    expect(await factsOf(victim, groupAdmin.token)).toBeNull();

    const forgeries: Record<string, Record<string, unknown>> = {
      'claimed tenant and subject': { id: victim.id, tenantId: groupAdmin.tenantId, sub: victim.id },
      "a colleague's genuine facts": { id: victim.id, accessFacts: colleagueFacts },
      'made-up facts': { id: victim.id, accessFacts: 'v1.AAAA.BBBB.CCCC' },
      'facts sealed under another key': {
        id: victim.id,
        accessFacts: createUserFactsSeal(secretKeys('x'.repeat(43))).seal({
          id: victim.id,
          tenantId: groupAdmin.tenantId,
          sub: victim.id,
        }),
      },
    };
    for (const extension of Object.keys(extensions) as Extension[]) {
      for (const [forgery, representation] of Object.entries(forgeries)) {
        const response = await entityAt(extension, representation, groupAdmin.token);
        expect(response.errors?.[0]?.extensions?.['code'], `${extension}: ${forgery}`).toBe('FORBIDDEN');
        const leaked = JSON.stringify(response.data ?? null);
        expect(leaked, `${extension}: ${forgery}`).not.toMatch(/user\.login|ST2026/);
        expect(leaked, `${extension}: ${forgery}`).not.toContain(victimPhone);
      }
      // The same admin with its colleague's genuine facts reads that colleague: the refusals above are not blanket.
      const allowed = await entityAt(extension, { id: colleague.id, accessFacts: colleagueFacts }, groupAdmin.token);
      expect(allowed.errors, extension).toBeUndefined();
      expect(allowed.data?._entities[0]?.['id']).toBe(colleague.id);
    }
  });

  it('a user claiming another user’s subject reads only its own grants, never the victim’s', async () => {
    const user = await stack.createUser();
    const victim = await stack.createUser();
    await giveData(user, '+886912345602');
    await giveData(victim, victimPhone);
    const ownFacts = await factsOf(user, user.token);
    const victimGrants = await stack.subgraphs.catalog.database.fork().find(PermissionGrant, { userSub: victim.id });

    const claimed = await entityAt('catalog', { id: user.id, sub: victim.id, tenantId: user.tenantId }, user.token);
    expect(claimed.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    // Its own genuine facts name its own subject, whatever else the representation says.
    const own = await entityAt('catalog', { id: user.id, sub: victim.id, accessFacts: ownFacts }, user.token);
    expect(own.errors).toBeUndefined();
    const scopes = (own.data?._entities[0]?.['permissions'] as { scopeId: string }[]).map((p) => p.scopeId);
    expect(scopes).toHaveLength(1);
    expect(scopes).not.toContain(victimGrants[0]!.scopeKey);
    // Its facts moved onto the victim's id open nothing.
    const moved = await entityAt('catalog', { id: victim.id, accessFacts: ownFacts }, user.token);
    expect(moved.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('through the gateway, the same data still federates for its owner and its tenant’s admin', async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'tenant-d' });
    const member = await stack.createUser({ tenantSlug: 'tenant-d' });
    await giveData(member, '+886912345604');
    const query = `query ($id: ID!) { user(id: $id) { id memberProfile { phone } sharingPreferences { shareEmail }
      permissions { actions } auditTrail(limit: 5) { action } } }`;
    for (const caller of [groupAdmin, member]) {
      const response = await stack.graphql<{ user: Record<string, unknown> }>(
        caller === member
          ? '{ user: me { id memberProfile { phone } permissions { actions } auditTrail(limit: 5) { action } } }'
          : query,
        { token: caller.token, variables: caller === member ? {} : { id: member.id } },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.user).toMatchObject({
        id: member.id,
        memberProfile: { phone: '+886912345604' },
        permissions: [{ actions: ['view'] }],
      });
    }
  });
});

describe('tokens at a subgraph port', () => {
  /** Each subgraph authenticates the request before it runs anything, so the smallest query shows it. */
  async function askEverySubgraph(token: string) {
    const answers: Record<string, { status: number; code: unknown }> = {};
    for (const name of ['identity', 'member', 'catalog', 'admin'] as const) {
      const response = await stack.graphql('{ __typename }', { url: stack.subgraphs[name].url, token });
      answers[name] = { status: response.status, code: response.errors?.[0]?.extensions?.['code'] };
    }
    return answers;
  }

  it('refuses a token of an ended session at every subgraph, as the gateway does', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    // Accepted while the session lives…
    const before = await askEverySubgraph(admin.token);
    for (const [name, answer] of Object.entries(before)) expect(answer, name).toEqual({ status: 200, code: undefined });
    const logout = await stack.graphql('mutation { logout }', { token: admin.token });
    expect(logout.errors).toBeUndefined();
    // …and refused everywhere once it ended.
    const gateway = await stack.graphql('{ me { id } }', { token: admin.token });
    expect(gateway.errors?.[0]?.extensions?.['code']).toBe('INVALID_TOKEN');
    const after = await askEverySubgraph(admin.token);
    for (const [name, answer] of Object.entries(after))
      expect(answer, name).toEqual({ status: 401, code: 'INVALID_TOKEN' });
  });

  it(`refuses a token issued more than ${CLOCK_SKEW_SECONDS} s in the future, at the gateway and every subgraph`, async () => {
    const user = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as { sid: string };
    const sign = async (iat: number) =>
      (
        await stack.identity.signingKeys.signAccessToken(
          {
            userId: user.id,
            tenantId: user.tenantId,
            role: 'SYSTEM_ADMIN',
            sessionId: claims.sid,
            scopes: [],
            amr: ['pwd'],
            authTime: iat,
          },
          iat,
        )
      ).token;
    const now = Math.floor(Date.now() / 1000);
    const future = await sign(now + CLOCK_SKEW_SECONDS + 120);
    const gateway = await stack.graphql('{ me { id } }', { token: future });
    expect(gateway.errors?.[0]?.extensions?.['code']).toBe('INVALID_TOKEN');
    for (const [name, answer] of Object.entries(await askEverySubgraph(future)))
      expect(answer, name).toEqual({ status: 401, code: 'INVALID_TOKEN' });
    // Within the tolerated drift, a token from a slightly fast clock is fine.
    const skewed = await sign(now + Math.floor(CLOCK_SKEW_SECONDS / 2));
    expect((await stack.graphql('{ me { id } }', { token: skewed })).errors).toBeUndefined();
  });
});

describe('input a subgraph cannot store, sent to its port', () => {
  it('refuses a NUL or a lone surrogate as BAD_USER_INPUT (400), before the database sees it', async () => {
    const user = await stack.createUser();
    // Without the guard, the URL parser would percent-encode either and member would store it.
    for (const avatarUrl of ['https://cdn.example.com/a\u0000b.png', 'https://cdn.example.com/a\ud800b.png']) {
      const response = await stack.graphql(
        'mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { avatarUrl } }',
        { url: stack.subgraphs.member.url, token: user.token, variables: { input: { avatarUrl } } },
      );
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    const row = await stack.subgraphs.member.database.fork().findOne(MemberProfile, { userId: user.id });
    expect(row?.avatarUrl ?? null).toBeNull();
  });
});
