import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../../../../test/support/stack.js';
import { KEY_PATTERN } from './business-key.js';

let stack: TestStack;
let admin: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
});

interface Item {
  name: string;
  status: string;
  [key: string]: string;
}
interface ItemPage {
  items: Item[];
  total: number;
  limit: number;
  offset: number;
}

async function run<T = Record<string, Item>>(
  query: string,
  variables: Record<string, unknown> = {},
  /** null: anonymous. */
  user: TestUser | null = admin,
): Promise<GraphQLResponse<T>> {
  return stack.graphql<T>(query, { variables, ...(user ? { token: user.token } : {}) });
}

function ok<T>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const codeOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.['code'];

const createSystem = async (name: string) =>
  ok(
    await run('mutation ($name: String!) { item: createSystem(input: { name: $name }) { systemKey name status } }', {
      name,
    }),
  ).item!;
const createCompany = async (name: string) =>
  ok(
    await run('mutation ($name: String!) { item: createCompany(input: { name: $name }) { companyKey name status } }', {
      name,
    }),
  ).item!;
const createModule = (systemKey: string, name: string) =>
  run(
    'mutation ($s: String!, $name: String!) { item: createModule(input: { systemKey: $s, name: $name }) { moduleKey systemKey name status } }',
    {
      s: systemKey,
      name,
    },
  );
const createSite = (companyKey: string, name: string) =>
  run(
    'mutation ($c: String!, $name: String!) { item: createSite(input: { companyKey: $c, name: $name }) { siteKey companyKey name status } }',
    {
      c: companyKey,
      name,
    },
  );

const page = 'items { name status } total limit offset';

describe('creating and listing catalog items', () => {
  it('creates each kind under a key of its prefix, date and four digits', async () => {
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const system = await createSystem('  Marketing  ');
    expect(system).toEqual({
      systemKey: expect.stringMatching(KEY_PATTERN) as string,
      name: 'Marketing',
      status: 'ACTIVE',
    });
    expect(system['systemKey']).toMatch(new RegExp(`^ST${today}X\\d{4}$`));
    const module = ok(await createModule(system['systemKey']!, 'Campaign')).item!;
    expect(module).toEqual({
      moduleKey: expect.stringMatching(/^MD\d{8}X\d{4}$/) as string,
      systemKey: system['systemKey'],
      name: 'Campaign',
      status: 'ACTIVE',
    });
    const company = await createCompany('OSE');
    expect(company['companyKey']).toMatch(/^CP\d{8}X\d{4}$/);
    const site = ok(await createSite(company['companyKey']!, 'main-site')).item!;
    expect(site).toEqual({
      siteKey: expect.stringMatching(/^ST\d{8}X\d{4}$/) as string,
      companyKey: company['companyKey'],
      name: 'main-site',
      status: 'ACTIVE',
    });
  });

  it('lists with keyword, status, parent filters and paging', async () => {
    const tag = `kw${Date.now()}`;
    const [a, b, c] = [await createSystem(`${tag} A`), await createSystem(`${tag} B`), await createSystem(`${tag} C`)];
    ok(
      await run('mutation ($k: String!) { item: setSystemStatus(key: $k, status: INACTIVE) { status } }', {
        k: b['systemKey'],
      }),
    );

    const all = ok(
      await run<{ systems: ItemPage }>(`query ($kw: String) { systems(keyword: $kw) { ${page} } }`, {
        kw: tag.toUpperCase(),
      }),
    ).systems;
    expect(all).toEqual({
      items: [
        { name: `${tag} A`, status: 'ACTIVE' },
        { name: `${tag} B`, status: 'INACTIVE' },
        { name: `${tag} C`, status: 'ACTIVE' },
      ],
      total: 3,
      limit: 200,
      offset: 0,
    });
    const active = ok(
      await run<{ systems: ItemPage }>(`query ($kw: String) { systems(keyword: $kw, status: ACTIVE) { ${page} } }`, {
        kw: tag,
      }),
    ).systems;
    expect(active.items.map((i) => i.name)).toEqual([`${tag} A`, `${tag} C`]);
    const second = ok(
      await run<{ systems: ItemPage }>(
        `query ($kw: String) { systems(keyword: $kw, limit: 1, offset: 1) { ${page} } }`,
        { kw: tag },
      ),
    ).systems;
    expect(second).toEqual({ items: [{ name: `${tag} B`, status: 'INACTIVE' }], total: 3, limit: 1, offset: 1 });
    const byKey = ok(
      await run<{ systems: ItemPage }>(`query ($kw: String) { systems(keyword: $kw) { total } }`, {
        kw: c['systemKey'],
      }),
    ).systems;
    expect(byKey.total).toBe(1);
    // LIKE wildcards in the keyword are taken literally.
    expect(ok(await run<{ systems: ItemPage }>('{ systems(keyword: "%") { total } }')).systems.total).toBe(0);

    ok(await createModule(a['systemKey']!, `${tag} m1`));
    ok(await createModule(a['systemKey']!, `${tag} m2`));
    ok(await createModule(c['systemKey']!, `${tag} m3`));
    const modules = ok(
      await run<{ modules: ItemPage }>(
        'query ($s: String) { modules(systemKey: $s) { items { name systemKey } total limit offset } }',
        { s: a['systemKey'] },
      ),
    ).modules;
    expect(modules).toEqual({
      items: [
        { name: `${tag} m1`, systemKey: a['systemKey'] },
        { name: `${tag} m2`, systemKey: a['systemKey'] },
      ],
      total: 2,
      limit: 500,
      offset: 0,
    });
    const byName = ok(
      await run<{ modules: ItemPage }>('query ($kw: String) { modules(keyword: $kw) { total } }', { kw: `${tag} m3` }),
    ).modules;
    expect(byName.total).toBe(1);

    const company = await createCompany(`${tag} Co`);
    ok(await createSite(company['companyKey']!, `${tag} s1`));
    const sites = ok(
      await run<{ sites: ItemPage }>(
        'query ($c: String) { sites(companyKey: $c) { items { name companyKey } total } }',
        { c: company['companyKey'] },
      ),
    ).sites;
    expect(sites).toEqual({ items: [{ name: `${tag} s1`, companyKey: company['companyKey'] }], total: 1 });
    const companies = ok(
      await run<{ companies: ItemPage }>(
        'query ($kw: String) { companies(keyword: $kw) { items { name } total limit } }',
        { kw: tag },
      ),
    ).companies;
    expect(companies).toEqual({ items: [{ name: `${tag} Co` }], total: 1, limit: 500 });
  });

  it('renames and changes status by key', async () => {
    const system = await createSystem('Old name');
    const key = system['systemKey']!;
    const renamed = ok(
      await run(
        'mutation ($k: String!) { item: updateSystem(key: $k, input: { name: "New name" }) { systemKey name } }',
        { k: key },
      ),
    ).item;
    expect(renamed).toEqual({ systemKey: key, name: 'New name' });
    const module = ok(await createModule(key, 'Mod')).item!;
    const moduleKey = module['moduleKey']!;
    expect(
      ok(
        await run(
          'mutation ($k: String!) { item: updateModule(key: $k, input: { name: "Mod 2" }) { name systemKey } }',
          { k: moduleKey },
        ),
      ).item,
    ).toEqual({
      name: 'Mod 2',
      systemKey: key,
    });
    expect(
      ok(
        await run('mutation ($k: String!) { item: setModuleStatus(key: $k, status: INACTIVE) { status systemKey } }', {
          k: moduleKey,
        }),
      ).item,
    ).toEqual({
      status: 'INACTIVE',
      systemKey: key,
    });
    expect(
      ok(
        await run('mutation ($k: String!) { item: setModuleStatus(key: $k, status: ACTIVE) { status } }', {
          k: moduleKey,
        }),
      ).item,
    ).toEqual({ status: 'ACTIVE' });
  });

  it('gives 20 concurrent creates 20 distinct keys', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => createSystem(`Parallel ${i}`)));
    const keys = created.map((s) => s['systemKey']);
    expect(new Set(keys).size).toBe(20);
    for (const key of keys) expect(key).toMatch(KEY_PATTERN);
  });
});

describe('refusals', () => {
  it.each([
    ['an empty name', 'mutation { createSystem(input: { name: "   " }) { systemKey } }'],
    ['a 201-character name', `mutation { createCompany(input: { name: "${'x'.repeat(201)}" }) { companyKey } }`],
    ['a limit above 1000', '{ systems(limit: 1001) { total } }'],
    ['a limit of 0', '{ companies(limit: 0) { total } }'],
    ['a negative offset', '{ sites(offset: -1) { total } }'],
  ])('refuses %s with VALIDATION_FAILED', async (_label, query) => {
    const response = await run(query);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', http: { status: 422 } });
  });

  it('accepts names of 200 characters, counted as code points', async () => {
    expect((await createSystem('系'.repeat(200)))['name']).toHaveLength(200);
  });

  it('answers NOT_FOUND for unknown parent or item keys', async () => {
    for (const response of [
      await createModule('ST20000101X0000', 'Orphan'),
      await createSite('CP20000101X0000', 'Orphan'),
      await run('mutation { updateCompany(key: "CP20000101X0000", input: { name: "x" }) { name } }'),
      await run('mutation { setSiteStatus(key: "ST20000101X0000", status: INACTIVE) { name } }'),
    ]) {
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', http: { status: 404 } });
    }
    // A listing's filter is a condition, not a lookup: an unknown parent key lists nothing.
    expect(
      ok(await run<{ modules: ItemPage }>('{ modules(systemKey: "ST20000101X0000") { total } }')).modules.total,
    ).toBe(0);
  });

  it('lets group admins read but only system admins write; anonymous callers must sign in', async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN' });
    const user = await stack.createUser();
    expect(
      ok(await run<{ systems: ItemPage }>('{ systems { total } }', {}, groupAdmin)).systems.total,
    ).toBeGreaterThanOrEqual(0);
    expect(codeOf(await run('mutation { createSystem(input: { name: "x" }) { name } }', {}, groupAdmin))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await run('{ companies { total } }', {}, user))).toBe('FORBIDDEN');
    expect(codeOf(await run('mutation { createCompany(input: { name: "x" }) { name } }', {}, user))).toBe('FORBIDDEN');
    expect(codeOf(await run('{ sites { total } }', {}, null))).toBe('UNAUTHENTICATED');
    expect(codeOf(await run('mutation { createSystem(input: { name: "x" }) { name } }', {}, null))).toBe(
      'UNAUTHENTICATED',
    );
  });
});
