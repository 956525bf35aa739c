import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../../../../test/support/stack.js';
import { Company } from '../catalog/company.entity.js';
import { Module } from '../catalog/module.entity.js';
import { Site } from '../catalog/site.entity.js';
import { System } from '../catalog/system.entity.js';
import { PermissionGrant } from './permission-grant.entity.js';

let stack: TestStack;
let admin: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
});

interface Permission {
  id: string;
  userSub: string;
  scopeType: string;
  scopeId: string;
  systemKey: string;
  moduleKey: string;
  actions: string[];
}

function run<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  user: TestUser | null = admin,
) {
  return stack.graphql<T>(query, { variables, ...(user ? { token: user.token } : {}) });
}

function ok<T>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const codeOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.['code'];

let counter = 0;
/** A system with a module, and a company with a site, all created through the API. */
async function catalog() {
  counter += 1;
  const data = ok(
    await run<{ s: { systemKey: string }; c: { companyKey: string } }>(
      `mutation { s: createSystem(input: { name: "Sys ${counter}" }) { systemKey } c: createCompany(input: { name: "Co ${counter}" }) { companyKey } }`,
    ),
  );
  const more = ok(
    await run<{ m: { moduleKey: string }; site: { siteKey: string } }>(
      'mutation ($s: String!, $c: String!) { m: createModule(input: { systemKey: $s, name: "Mod" }) { moduleKey } site: createSite(input: { companyKey: $c, name: "Site" }) { siteKey } }',
      { s: data.s.systemKey, c: data.c.companyKey },
    ),
  );
  return {
    systemKey: data.s.systemKey,
    companyKey: data.c.companyKey,
    moduleKey: more.m.moduleKey,
    siteKey: more.site.siteKey,
  };
}

const fields = 'id userSub scopeType scopeId systemKey moduleKey actions';

function grant(input: Record<string, unknown>, user: TestUser | null = admin) {
  return run<{ grantPermission: Permission }>(
    `mutation ($input: GrantPermissionInput!) { grantPermission(input: $input) { ${fields} } }`,
    { input },
    user,
  );
}

async function snapshot(userSub: string) {
  return ok(
    await run<{ permissionSnapshot: { userSub: string; permissions: Omit<Permission, 'id' | 'userSub'>[] } }>(
      'query ($u: String!) { permissionSnapshot(userSub: $u) { userSub permissions { scopeType scopeId systemKey moduleKey actions } } }',
      { u: userSub },
    ),
  ).permissionSnapshot;
}

describe('grantPermission and revokePermission', () => {
  it('grants, replaces the actions when granted again, and revokes', async () => {
    const keys = await catalog();
    const target = {
      userSub: `authentik-${counter}`,
      scopeType: 'SITE',
      scopeId: keys.siteKey,
      systemKey: keys.systemKey,
      moduleKey: keys.moduleKey,
    };
    const first = ok(await grant({ ...target, actions: ['view', 'edit', 'view'] })).grantPermission;
    expect(first).toEqual({ id: expect.any(String) as string, ...target, actions: ['view', 'edit'] });

    const again = ok(await grant({ ...target, actions: ['export'] })).grantPermission;
    expect(again).toEqual({ ...first, actions: ['export'] });
    expect(await stack.subgraphs.catalog.database.fork().count(PermissionGrant, { userSub: target.userSub })).toBe(1);

    const company = ok(
      await grant({ ...target, scopeType: 'COMPANY', scopeId: keys.companyKey, actions: ['view'] }),
    ).grantPermission;
    expect(await snapshot(target.userSub)).toEqual({
      userSub: target.userSub,
      permissions: [
        {
          scopeType: 'SITE',
          scopeId: keys.siteKey,
          systemKey: keys.systemKey,
          moduleKey: keys.moduleKey,
          actions: ['export'],
        },
        {
          scopeType: 'COMPANY',
          scopeId: keys.companyKey,
          systemKey: keys.systemKey,
          moduleKey: keys.moduleKey,
          actions: ['view'],
        },
      ],
    });

    const revoke = 'mutation ($id: ID!) { revokePermission(id: $id) }';
    expect(ok(await run(revoke, { id: first.id }))).toEqual({ revokePermission: true });
    expect(ok(await run(revoke, { id: first.id }))).toEqual({ revokePermission: false });
    expect((await snapshot(target.userSub)).permissions.map((p) => p.scopeId)).toEqual([company.scopeId]);
    expect(codeOf(await run(revoke, { id: 'not-a-uuid' }))).toBe('VALIDATION_FAILED');
  });

  it('answers an empty snapshot for a subject without grants', async () => {
    expect(await snapshot('nobody-at-all')).toEqual({ userSub: 'nobody-at-all', permissions: [] });
  });

  it('refuses unknown references with NOT_FOUND and a foreign module with VALIDATION_FAILED', async () => {
    const keys = await catalog();
    const other = await catalog();
    const base = {
      userSub: 'u-refs',
      scopeType: 'SITE',
      scopeId: keys.siteKey,
      systemKey: keys.systemKey,
      moduleKey: keys.moduleKey,
      actions: ['view'],
    };
    for (const change of [
      { scopeId: 'ST20000101X0000' },
      // A company key is not a site.
      { scopeId: keys.companyKey },
      { scopeType: 'COMPANY', scopeId: keys.siteKey },
      { systemKey: 'ST20000101X0000' },
      { moduleKey: 'MD20000101X0000' },
    ]) {
      expect(codeOf(await grant({ ...base, ...change })), JSON.stringify(change)).toBe('NOT_FOUND');
    }
    const foreign = await grant({ ...base, moduleKey: other.moduleKey });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', http: { status: 422 } });
  });

  it.each([
    ['no actions', { actions: [] }],
    ['an upper-case action', { actions: ['View'] }],
    ['an action starting with a digit', { actions: ['1view'] }],
    ['a 65-character action', { actions: [`a${'b'.repeat(64)}`] }],
    ['an empty userSub', { userSub: '' }],
  ])('refuses %s with VALIDATION_FAILED', async (_label, change) => {
    const keys = await catalog();
    const response = await grant({
      userSub: 'u-bad',
      scopeType: 'COMPANY',
      scopeId: keys.companyKey,
      systemKey: keys.systemKey,
      moduleKey: keys.moduleKey,
      actions: ['view'],
      ...change,
    });
    expect(codeOf(response)).toBe('VALIDATION_FAILED');
  });

  it('accepts the widest action the pattern allows', async () => {
    const keys = await catalog();
    const action = `a${'b'.repeat(30)}_.-${'9'.repeat(30)}`;
    expect(action).toHaveLength(64);
    const response = await grant({
      userSub: 'u-wide',
      scopeType: 'COMPANY',
      scopeId: keys.companyKey,
      systemKey: keys.systemKey,
      moduleKey: keys.moduleKey,
      actions: [action],
    });
    expect(ok(response).grantPermission.actions).toEqual([action]);
  });

  it('lets only system admins grant, revoke and read snapshots', async () => {
    const keys = await catalog();
    const input = {
      userSub: 'u-auth',
      scopeType: 'SITE',
      scopeId: keys.siteKey,
      systemKey: keys.systemKey,
      moduleKey: keys.moduleKey,
      actions: ['view'],
    };
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN' });
    const user = await stack.createUser();
    expect(codeOf(await grant(input, groupAdmin))).toBe('FORBIDDEN');
    expect(codeOf(await grant(input, user))).toBe('FORBIDDEN');
    expect(codeOf(await grant(input, null))).toBe('UNAUTHENTICATED');
    const snapshotQuery = '{ permissionSnapshot(userSub: "u-auth") { userSub } }';
    expect(codeOf(await run(snapshotQuery, {}, groupAdmin))).toBe('FORBIDDEN');
    expect(codeOf(await run(snapshotQuery, {}, null))).toBe('UNAUTHENTICATED');
    const revoke = 'mutation { revokePermission(id: "00000000-0000-4000-8000-000000000000") }';
    expect(codeOf(await run(revoke, {}, user))).toBe('FORBIDDEN');
  });
});

describe('referenced items cannot be deactivated', () => {
  it('refuses with CONFLICT while a grant names the item, and allows it once revoked', async () => {
    const keys = await catalog();
    const granted = ok(
      await grant({
        userSub: 'u-ref',
        scopeType: 'SITE',
        scopeId: keys.siteKey,
        systemKey: keys.systemKey,
        moduleKey: keys.moduleKey,
        actions: ['view'],
      }),
    ).grantPermission;
    const setStatus = (field: string, key: string, status: string) =>
      run(`mutation ($k: String!) { item: ${field}(key: $k, status: ${status}) { status } }`, { k: key });
    for (const [field, key] of [
      ['setSystemStatus', keys.systemKey],
      ['setModuleStatus', keys.moduleKey],
      ['setSiteStatus', keys.siteKey],
    ] as const) {
      const refused = await setStatus(field, key, 'INACTIVE');
      expect(refused.errors?.[0]?.extensions, field).toMatchObject({ code: 'CONFLICT', http: { status: 409 } });
      expect(refused.errors?.[0]?.message).toContain('revoke them before deactivating');
    }
    // The company is not named by the site-scoped grant.
    expect(ok(await setStatus('setCompanyStatus', keys.companyKey, 'INACTIVE'))).toEqual({
      item: { status: 'INACTIVE' },
    });
    ok(await setStatus('setCompanyStatus', keys.companyKey, 'ACTIVE'));

    ok(await run('mutation ($id: ID!) { revokePermission(id: $id) }', { id: granted.id }));
    expect(ok(await setStatus('setModuleStatus', keys.moduleKey, 'INACTIVE'))).toEqual({
      item: { status: 'INACTIVE' },
    });
    // Nothing is granted on an inactive item, so grants never name one.
    const onInactive = await grant({
      userSub: 'u-ref',
      scopeType: 'SITE',
      scopeId: keys.siteKey,
      systemKey: keys.systemKey,
      moduleKey: keys.moduleKey,
      actions: ['view'],
    });
    expect(codeOf(onInactive)).toBe('CONFLICT');
  });
});

describe('batching', () => {
  it('serves a 1,000-grant snapshot with one statement', async () => {
    const em = stack.subgraphs.catalog.database.fork();
    const system = em.create(System, { key: 'ST19990101X0001', name: 'Bulk' });
    const module = em.create(Module, { key: 'MD19990101X0001', name: 'Bulk', system });
    const company = em.create(Company, { key: 'CP19990101X0001', name: 'Bulk' });
    const sites = Array.from({ length: 1000 }, (_, i) =>
      em.create(Site, { key: `ST19990101X${String(i).padStart(4, '0')}`, name: `Bulk ${i}`, company }),
    );
    for (const site of sites) {
      em.create(PermissionGrant, {
        userSub: 'bulk-user',
        scopeType: 'SITE',
        scopeKey: site.key,
        systemKey: system.key,
        moduleKey: module.key,
        actions: ['view'],
      });
    }
    await em.flush();

    const before = stack.subgraphs.catalog.database.statementCount();
    const result = await snapshot('bulk-user');
    const statements = stack.subgraphs.catalog.database.statementCount() - before;
    expect(result.permissions).toHaveLength(1000);
    expect(statements, `${statements} statements for 1,000 grants`).toBe(1);
  });

  it('answers every field of each grant, oldest first and by id among equals, with one statement', async () => {
    const em = stack.subgraphs.catalog.database.fork();
    const system = em.create(System, { key: 'ST19990103X0001', name: 'Ordered' });
    const module = em.create(Module, { key: 'MD19990103X0001', name: 'Ordered', system });
    // Three instants, several grants each: the id decides among grants made at the same instant.
    const instants = [3, 1, 2].map((minute) => new Date(Date.UTC(2026, 0, 1, 0, minute)));
    const grants = Array.from({ length: 12 }, (_, i) => {
      const key = String(i).padStart(4, '0');
      const company = em.create(Company, { key: `CP19990102X${key}`, name: `Ordered ${i}` });
      const site = em.create(Site, { key: `ST19990102X${key}`, name: `Ordered ${i}`, company });
      return em.create(PermissionGrant, {
        userSub: 'ordered-user',
        scopeType: i % 2 ? 'SITE' : 'COMPANY',
        scopeKey: i % 2 ? site.key : company.key,
        systemKey: system.key,
        moduleKey: module.key,
        actions: i % 3 ? ['view', `act-${i}`] : ['edit'],
        createdAt: instants[i % 3]!,
      });
    });
    await em.flush();
    const expected = [...grants]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((g) => ({
        id: g.id,
        userSub: g.userSub,
        scopeType: g.scopeType,
        scopeId: g.scopeKey,
        systemKey: g.systemKey,
        moduleKey: g.moduleKey,
        actions: g.actions,
      }));

    const before = stack.subgraphs.catalog.database.statementCount();
    const result = ok(
      await run<{ permissionSnapshot: { userSub: string; permissions: Permission[] } }>(
        `query ($u: String!) { permissionSnapshot(userSub: $u) { userSub permissions { ${fields} } } }`,
        { u: 'ordered-user' },
      ),
    ).permissionSnapshot;
    expect(stack.subgraphs.catalog.database.statementCount() - before).toBe(1);
    expect(result).toEqual({ userSub: 'ordered-user', permissions: expected });
  });

  it('loads User.permissions for N users by sub with one statement', async () => {
    const users = await Promise.all(Array.from({ length: 30 }, () => stack.createUser()));
    const keys = await catalog();
    for (const user of users.slice(0, 5)) {
      ok(
        await grant({
          userSub: user.id,
          scopeType: 'COMPANY',
          scopeId: keys.companyKey,
          systemKey: keys.systemKey,
          moduleKey: keys.moduleKey,
          actions: ['view'],
        }),
      );
    }
    // What the gateway sends for @requires(fields: "accessFacts"): identity's sealed facts of each user.
    const facts = await stack.graphql<{ _entities: { accessFacts: string }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { accessFacts } } }',
      {
        url: stack.subgraphs.identity.url,
        token: admin.token,
        variables: { r: users.map((u) => ({ __typename: 'User', id: u.id })) },
      },
    );
    const before = stack.subgraphs.catalog.database.statementCount();
    const response = await stack.graphql<{ _entities: { id: string; permissions: { userSub: string }[] }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id permissions { userSub } } } }',
      {
        url: stack.subgraphs.catalog.url,
        token: admin.token,
        variables: {
          r: users.map((u, i) => ({
            __typename: 'User',
            id: u.id,
            accessFacts: facts.data?._entities[i]?.accessFacts,
          })),
        },
      },
    );
    const statements = stack.subgraphs.catalog.database.statementCount() - before;
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities.map((e) => e.permissions.length)).toEqual(users.map((_, i) => (i < 5 ? 1 : 0)));
    expect(response.data?._entities[0]?.permissions).toEqual([{ userSub: users[0]!.id }]);
    expect(statements).toBe(1);
  });

  it('reaches User.permissions through the gateway by the user sub', async () => {
    const user = await stack.createUser();
    const keys = await catalog();
    ok(
      await grant({
        userSub: user.id,
        scopeType: 'SITE',
        scopeId: keys.siteKey,
        systemKey: keys.systemKey,
        moduleKey: keys.moduleKey,
        actions: ['view'],
      }),
    );
    const me = ok(
      await run<{ me: { sub: string; permissions: { scopeId: string }[] } }>(
        '{ me { sub permissions { scopeId } } }',
        {},
        user,
      ),
    ).me;
    expect(me).toEqual({ sub: user.id, permissions: [{ scopeId: keys.siteKey }] });
  });
});
