import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import {
  adminGraphQL,
  createClient,
  forbidden,
  internal,
  invalid,
  invalidClient,
  type ClientKeys,
} from './internal-client.js';

/** seed 000 `/internal` catalog reads through the gateway: exact legacy shapes, real HTTP. */
let stack: TestStack;
let admin: TestUser;
let grantee: TestUser;
let reader: ClientKeys;
let userReader: ClientKeys;

interface Item {
  id: string;
  name: string;
  status: string;
}
const systems: (Item & { systemKey: string })[] = [];
const modules: (Item & { moduleKey: string; systemKey: string })[] = [];
const companies: (Item & { companyKey: string })[] = [];
const sites: (Item & { siteKey: string; companyKey: string })[] = [];

const fields = 'id name status';

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  grantee = await stack.createUser();
  reader = await createClient(stack, admin, ['catalog:read']);
  userReader = await createClient(stack, admin, ['users:read']);
  const create = <T>(mutation: string, input: Record<string, unknown>, selection: string) =>
    adminGraphQL<Record<string, T>>(
      stack,
      admin,
      `mutation ($i: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $i) { ${fields} ${selection} } }`,
      { i: input },
    ).then((data) => data[mutation]!);
  // Created in this order: listings are oldest first.
  for (const name of ['Marketing', 'Sales']) systems.push(await create('createSystem', { name }, 'systemKey'));
  for (const [system, name] of [
    [systems[0]!, 'Campaign'],
    [systems[1]!, 'Pipeline'],
  ] as const) {
    modules.push(await create('createModule', { systemKey: system.systemKey, name }, 'moduleKey systemKey'));
  }
  for (const name of ['OSE Group', 'Globex']) companies.push(await create('createCompany', { name }, 'companyKey'));
  for (const [company, name] of [
    [companies[0]!, 'main-site'],
    [companies[1]!, 'globex-site'],
    [companies[0]!, 'second-site'],
  ] as const) {
    sites.push(await create('createSite', { companyKey: company.companyKey, name }, 'siteKey companyKey'));
  }
});
afterAll(async () => {
  await stack?.stop();
});

/** `null`: no keys at all. */
const get = (path: string, keys: ClientKeys | null = reader) => internal(stack, 'GET', path, keys ? { keys } : {});

const systemView = (s: (typeof systems)[number]) => ({
  id: s.id,
  system_key: s.systemKey,
  name: s.name,
  status: 'active',
});
const moduleView = (m: (typeof modules)[number]) => ({
  id: m.id,
  module_key: m.moduleKey,
  system_key: m.systemKey,
  name: m.name,
  status: 'active',
});
const companyView = (c: (typeof companies)[number]) => ({
  id: c.id,
  company_key: c.companyKey,
  name: c.name,
  status: 'active',
});
const siteView = (s: (typeof sites)[number]) => ({
  id: s.id,
  site_key: s.siteKey,
  company_key: s.companyKey,
  name: s.name,
  status: 'active',
});

describe('GET /internal/systems', () => {
  it('answers {items, total, limit, offset} with the default limit of 200', async () => {
    expect(await get('/internal/systems')).toEqual({
      status: 200,
      body: { items: systems.map(systemView), total: 2, limit: 200, offset: 0 },
    });
  });

  it('pages with limit and offset', async () => {
    expect(await get('/internal/systems?limit=1&offset=1')).toEqual({
      status: 200,
      body: { items: [systemView(systems[1]!)], total: 2, limit: 1, offset: 1 },
    });
  });

  it('spells an inactive system in lower case', async () => {
    const retired = await adminGraphQL<{ createSystem: { systemKey: string } }>(
      stack,
      admin,
      'mutation { createSystem(input: { name: "Retired" }) { systemKey } }',
    );
    const key = retired.createSystem.systemKey;
    await adminGraphQL(stack, admin, `mutation { setSystemStatus(key: "${key}", status: INACTIVE) { id } }`);
    expect(await get('/internal/systems?offset=2')).toEqual({
      status: 200,
      body: {
        items: [{ id: expect.any(String) as string, system_key: key, name: 'Retired', status: 'inactive' }],
        total: 3,
        limit: 200,
        offset: 2,
      },
    });
  });

  it('refuses malformed or out-of-range paging with 422 {detail: [{loc, msg, type}]}', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'limit=1.5']) {
      expect(await get(`/internal/systems?${query}`), query).toEqual(invalid(['query', 'limit']));
    }
    expect(await get('/internal/systems?offset=-1')).toEqual(invalid(['query', 'offset']));
    expect(await get('/internal/modules?limit=0&offset=-1')).toEqual(invalid(['query', 'limit'], ['query', 'offset']));
  });

  it('refuses a caller without keys (invalid_client) and a client without catalog:read (forbidden)', async () => {
    expect(await get('/internal/systems', null)).toEqual(invalidClient);
    expect(await get('/internal/systems', userReader)).toEqual(forbidden);
  });
});

describe('GET /internal/modules', () => {
  it('answers every module with its system key, default limit 500', async () => {
    expect(await get('/internal/modules')).toEqual({
      status: 200,
      body: { items: modules.map(moduleView), total: 2, limit: 500, offset: 0 },
    });
    expect(await get('/internal/modules?limit=1')).toEqual({
      status: 200,
      body: { items: [moduleView(modules[0]!)], total: 2, limit: 1, offset: 0 },
    });
  });

  it('refuses a caller without keys', async () => {
    expect(await get('/internal/modules', null)).toEqual(invalidClient);
  });
});

describe('GET /internal/companies', () => {
  it('answers every company, default limit 500', async () => {
    expect(await get('/internal/companies')).toEqual({
      status: 200,
      body: { items: companies.map(companyView), total: 2, limit: 500, offset: 0 },
    });
  });

  it('filters by keyword (name or key, case-insensitive) and pages', async () => {
    expect(await get('/internal/companies?keyword=globex')).toEqual({
      status: 200,
      body: { items: [companyView(companies[1]!)], total: 1, limit: 500, offset: 0 },
    });
    expect(await get(`/internal/companies?keyword=${companies[0]!.companyKey}`)).toEqual({
      status: 200,
      body: { items: [companyView(companies[0]!)], total: 1, limit: 500, offset: 0 },
    });
    expect(await get('/internal/companies?limit=1&offset=1')).toEqual({
      status: 200,
      body: { items: [companyView(companies[1]!)], total: 2, limit: 1, offset: 1 },
    });
  });

  it('refuses a caller without keys and malformed paging', async () => {
    expect(await get('/internal/companies', null)).toEqual(invalidClient);
    expect(await get('/internal/companies?offset=x')).toEqual(invalid(['query', 'offset']));
  });
});

describe('GET /internal/sites', () => {
  it('answers every site with its company key, default limit 500', async () => {
    expect(await get('/internal/sites')).toEqual({
      status: 200,
      body: { items: sites.map(siteView), total: 3, limit: 500, offset: 0 },
    });
  });

  it('filters by company_key and pages', async () => {
    const key = companies[0]!.companyKey;
    expect(await get(`/internal/sites?company_key=${key}`)).toEqual({
      status: 200,
      body: { items: [siteView(sites[0]!), siteView(sites[2]!)], total: 2, limit: 500, offset: 0 },
    });
    expect(await get(`/internal/sites?company_key=${key}&limit=1&offset=1`)).toEqual({
      status: 200,
      body: { items: [siteView(sites[2]!)], total: 2, limit: 1, offset: 1 },
    });
  });

  it('refuses a caller without keys and malformed paging', async () => {
    expect(await get('/internal/sites', null)).toEqual(invalidClient);
    expect(await get('/internal/sites?limit=1001')).toEqual(invalid(['query', 'limit']));
  });
});

describe('GET /internal/permissions/{user_sub}/snapshot', () => {
  it("answers every grant of a user with lower-case scope types and the system's and module's keys", async () => {
    const grant = (scopeType: string, scopeId: string, module: (typeof modules)[number], actions: string[]) =>
      adminGraphQL(stack, admin, 'mutation ($i: GrantPermissionInput!) { grantPermission(input: $i) { id } }', {
        i: {
          userSub: grantee.id,
          scopeType,
          scopeId,
          systemKey: module.systemKey,
          moduleKey: module.moduleKey,
          actions,
        },
      });
    await grant('SITE', sites[0]!.siteKey, modules[0]!, ['view', 'edit']);
    await grant('COMPANY', companies[1]!.companyKey, modules[1]!, ['view']);

    const { status, body } = await get(`/internal/permissions/${grantee.id}/snapshot`);
    expect(status).toBe(200);
    const snapshot = body as { user_sub: string; permissions: { scope_type: string }[] };
    expect(Object.keys(snapshot).sort()).toEqual(['permissions', 'user_sub']);
    expect(snapshot.user_sub).toBe(grantee.id);
    expect(snapshot.permissions).toHaveLength(2);
    expect(snapshot.permissions).toEqual(
      expect.arrayContaining([
        {
          scope_type: 'site',
          scope_id: sites[0]!.siteKey,
          system: systems[0]!.systemKey,
          module: modules[0]!.moduleKey,
          actions: ['view', 'edit'],
        },
        {
          scope_type: 'company',
          scope_id: companies[1]!.companyKey,
          system: systems[1]!.systemKey,
          module: modules[1]!.moduleKey,
          actions: ['view'],
        },
      ]),
    );
  });

  it('answers an empty list for a subject without grants', async () => {
    expect(await get('/internal/permissions/nobody-here/snapshot')).toEqual({
      status: 200,
      body: { user_sub: 'nobody-here', permissions: [] },
    });
  });

  it('refuses a caller without keys and a client without catalog:read', async () => {
    expect(await get(`/internal/permissions/${grantee.id}/snapshot`, null)).toEqual(invalidClient);
    expect(await get(`/internal/permissions/${grantee.id}/snapshot`, userReader)).toEqual(forbidden);
  });
});
