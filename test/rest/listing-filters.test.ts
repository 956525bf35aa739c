import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { answer } from './oauth-client.js';
import { adminGraphQL, createClient, internal, invalid, type ClientKeys } from './internal-client.js';

/**
 * Every listing route of the three families, filtered by a value that matches nothing: an empty page,
 * never a 404 or 422 (a malformed value is still a validation error).
 */
let stack: TestStack;
let admin: TestUser;
let keys: ClientKeys;
const nothing = `nothing${Date.now()}`;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  keys = await createClient(stack, admin, ['catalog:read', 'users:read']);
  const company = await adminGraphQL<{ createCompany: { companyKey: string } }>(
    stack,
    admin,
    'mutation { createCompany(input: { name: "Filtered" }) { companyKey } }',
  );
  await adminGraphQL(
    stack,
    admin,
    'mutation ($k: String!) { createSite(input: { companyKey: $k, name: "s" }) { id } }',
    {
      k: company.createCompany.companyKey,
    },
  );
});
afterAll(async () => {
  await stack?.stop();
});

const emptyInternalPage = (limit: number) => ({ status: 200, body: { items: [], total: 0, limit, offset: 0 } });

describe('seed 000 listings', () => {
  it('/internal/sites?company_key=<unknown> answers an empty page, not 404', async () => {
    expect(await internal(stack, 'GET', '/internal/sites?company_key=CP20990101X0000', { keys })).toEqual(
      emptyInternalPage(500),
    );
    expect(await internal(stack, 'GET', `/internal/sites?company_key=${nothing}&offset=3`, { keys })).toEqual({
      status: 200,
      body: { items: [], total: 0, limit: 500, offset: 3 },
    });
  });

  it('/internal/companies and /internal/members with an unmatched keyword answer an empty page', async () => {
    expect(await internal(stack, 'GET', `/internal/companies?keyword=${nothing}`, { keys })).toEqual(
      emptyInternalPage(500),
    );
    expect(await internal(stack, 'GET', `/internal/members?keyword=${nothing}`, { keys })).toEqual(
      emptyInternalPage(500),
    );
  });

  it('still refuses a malformed value', async () => {
    expect(await internal(stack, 'GET', `/internal/sites?company_key=${'x'.repeat(201)}`, { keys })).toEqual(
      invalid(['query', 'company_key']),
    );
  });
});

describe('GraphQL behind them', () => {
  it('sites(companyKey) and modules(systemKey) of unknown keys are empty pages', async () => {
    const data = await adminGraphQL<{ sites: { total: number }; modules: { total: number } }>(
      stack,
      admin,
      '{ sites(companyKey: "CP20990101X0000") { total items { id } } modules(systemKey: "ST20990101X0000") { total items { id } } }',
    );
    expect(data).toEqual({ sites: { total: 0, items: [] }, modules: { total: 0, items: [] } });
  });
});

describe('seed 004 listings', () => {
  const emptyPage = { status: 200, body: { items: [], total: 0, page: 1, limit: 20 } };

  it('/api/v1/admin/users with an unmatched search answers an empty page', async () => {
    expect(await answer(stack, 'GET', `/api/v1/admin/users?search=${nothing}`, { token: admin.token })).toEqual(
      emptyPage,
    );
  });

  it('/api/v1/admin/audit-logs filtered by an unknown user, application or action answers an empty page', async () => {
    for (const filter of [`user_id=${randomUUID()}`, `app_id=${nothing}`, `action=${nothing}`]) {
      expect(await answer(stack, 'GET', `/api/v1/admin/audit-logs?${filter}`, { token: admin.token }), filter).toEqual(
        emptyPage,
      );
    }
  });
});
