import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../subgraphs/admin/src/audit/audit-entry.entity.js';
import { PermissionGrant } from '../subgraphs/catalog/src/permission/permission-grant.entity.js';
import { MemberProfile } from '../subgraphs/member/src/profile/member-profile.entity.js';
import { startTestStack, type TestStack, type TestUser } from './support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const viewer = `query Viewer { me { id email role tenantId
  memberProfile { phone language }
  permissions { scopeType scopeId systemKey moduleKey actions }
  auditTrail(limit: 5) { action } } }`;

/** `phone` tells the users apart in what member answers. */
async function giveDataToEverySubgraph(user: TestUser, phone: string) {
  const member = stack.subgraphs.member.database.fork();
  await member.persistAndFlush(
    member.create(MemberProfile, { userId: user.id, tenantId: user.tenantId, phone, language: 'zh-TW' }),
  );
  const catalog = stack.subgraphs.catalog.database.fork();
  await catalog.persistAndFlush(
    catalog.create(PermissionGrant, {
      // Fixture users have no external subject: their sub is their id.
      userSub: user.id,
      scopeType: 'SITE',
      scopeKey: 'ST20260331X1111',
      systemKey: 'ST20260331X1234',
      moduleKey: 'MD20260331X5678',
      actions: ['view', 'edit'],
    }),
  );
  // The account's user.created reaches admin through the outbox relay; a later sign-in is added here.
  await stack.drainEvents();
  const admin = stack.subgraphs.admin.database.fork();
  await admin.persistAndFlush(
    admin.create(AuditEntry, {
      action: 'user.login',
      subjectUserId: user.id,
      tenantId: user.tenantId,
      occurredAt: new Date(Date.now() + 1000),
    }),
  );
}

/** What identity seals for each user (their @requires), as the caller may read it; null where refused. */
async function accessFactsOf(users: readonly { id: string }[], token: string): Promise<(string | null)[]> {
  const response = await stack.graphql<{ _entities: ({ accessFacts: string | null } | null)[] }>(
    'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { accessFacts } } }',
    {
      url: stack.subgraphs.identity.url,
      token,
      variables: { r: users.map((u) => ({ __typename: 'User', id: u.id })) },
    },
  );
  return users.map((_, i) => response.data?._entities[i]?.accessFacts ?? null);
}

/** Asks a subgraph directly for extension fields of users, as the gateway would (facts from identity first). */
async function entities(subgraph: 'member' | 'catalog' | 'admin', users: readonly { id: string }[], token: string) {
  const selection = {
    member: 'memberProfile { phone }',
    catalog: 'permissions { actions }',
    admin: 'auditTrail(limit: 3) { action }',
  }[subgraph];
  const facts = await accessFactsOf(users, token);
  return stack.graphql<{ _entities: Record<string, unknown>[] }>(
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id ${selection} } } }`,
    {
      url: stack.subgraphs[subgraph].url,
      token,
      variables: { r: users.map((u, i) => ({ __typename: 'User', id: u.id, accessFacts: facts[i] })) },
    },
  );
}

describe('the federated graph', () => {
  it('answers { __typename } through the gateway', async () => {
    const response = await stack.graphql('{ __typename }');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ __typename: 'Query' });
  });

  it('resolves one User across identity, member, catalog and admin', async () => {
    const user = await stack.createUser();
    await giveDataToEverySubgraph(user, '+886912345601');
    const response = await stack.graphql(viewer, { token: user.token });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      me: {
        id: user.id,
        email: user.email,
        role: 'USER',
        tenantId: user.tenantId,
        memberProfile: { phone: '+886912345601', language: 'zh-TW' },
        permissions: [
          {
            scopeType: 'SITE',
            scopeId: 'ST20260331X1111',
            systemKey: 'ST20260331X1234',
            moduleKey: 'MD20260331X5678',
            actions: ['view', 'edit'],
          },
        ],
        auditTrail: [{ action: 'user.login' }, { action: 'user.created' }],
      },
    });
  });

  it('refuses anonymous callers with UNAUTHENTICATED and its HTTP status in extensions', async () => {
    const response = await stack.graphql('{ me { id } }');
    expect(response.data).toEqual({ me: null });
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 } });
  });

  it('keeps validation errors of a field argument typed, not internal', async () => {
    const user = await stack.createUser();
    const response = await stack.graphql('{ me { id auditTrail(limit: 1000) { id } } }', { token: user.token });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', http: { status: 422 } });
  });
});

describe('authorization in every subgraph (shield reads the Principal)', () => {
  it('lets a user read only their own extension fields', async () => {
    const alice = await stack.createUser();
    const bob = await stack.createUser();
    await giveDataToEverySubgraph(bob, '+886912345602');
    for (const subgraph of ['member', 'catalog', 'admin'] as const) {
      const own = await entities(subgraph, [alice], alice.token);
      expect(own.errors, subgraph).toBeUndefined();
      const other = await entities(subgraph, [bob], alice.token);
      expect(other.errors?.[0]?.extensions?.['code'], subgraph).toBe('FORBIDDEN');
    }
  });

  it('scopes group admins to their own tenant; system admins see every tenant', async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'acme' });
    const colleague = await stack.createUser({ tenantSlug: 'acme' });
    const stranger = await stack.createUser({ tenantSlug: 'globex' });
    const systemAdmin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    await giveDataToEverySubgraph(colleague, '+886912345603');
    await giveDataToEverySubgraph(stranger, '+886912345604');

    const sameTenant = await entities('member', [colleague], groupAdmin.token);
    expect(sameTenant.data?._entities).toEqual([{ id: colleague.id, memberProfile: { phone: '+886912345603' } }]);
    const otherTenant = await entities('member', [stranger], groupAdmin.token);
    expect(otherTenant.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const anyTenant = await entities('member', [stranger], systemAdmin.token);
    expect(anyTenant.data?._entities).toEqual([{ id: stranger.id, memberProfile: { phone: '+886912345604' } }]);
  });

  it('denies anonymous entity reads in the subgraph itself', async () => {
    const user = await stack.createUser();
    const response = await stack.graphql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }',
      { url: stack.subgraphs.identity.url, variables: { r: [{ __typename: 'User', id: user.id }] } },
    );
    expect(response.data?.['_entities']).toEqual([null]);
    expect(response.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});

describe('batching: a query over N users costs O(1) statements per subgraph', () => {
  it('answers 40 entity references with one statement in each subgraph', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const users: TestUser[] = [];
    for (let i = 0; i < 40; i += 1) users.push(await stack.createUser());
    await Promise.all(users.slice(0, 10).map((u, i) => giveDataToEverySubgraph(u, `+8869123456${10 + i}`)));

    for (const subgraph of ['member', 'catalog', 'admin'] as const) {
      const before = stack.subgraphs[subgraph].database.statementCount();
      const response = await entities(subgraph, users, admin.token);
      const statements = stack.subgraphs[subgraph].database.statementCount() - before;
      expect(response.errors, subgraph).toBeUndefined();
      expect(response.data?._entities, subgraph).toHaveLength(40);
      expect(statements, `${subgraph} sent ${statements} statements for 40 users`).toBe(1);
    }

    const identity = stack.subgraphs.identity.database;
    const before = identity.statementCount();
    const response = await stack.graphql<{ _entities: { email: string }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }',
      {
        url: stack.subgraphs.identity.url,
        token: admin.token,
        variables: { r: users.map((u) => ({ __typename: 'User', id: u.id })) },
      },
    );
    expect(response.data?._entities.map((u) => u.email)).toEqual(users.map((u) => u.email));
    expect(identity.statementCount() - before).toBe(1);
  });

  it('returns each user only their own rows when batched', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const first = await stack.createUser();
    const second = await stack.createUser();
    await giveDataToEverySubgraph(first, '+886912345605');
    const response = await entities('member', [first, second], admin.token);
    expect(response.data?._entities).toEqual([
      { id: first.id, memberProfile: { phone: '+886912345605' } },
      { id: second.id, memberProfile: null },
    ]);
  });
});
