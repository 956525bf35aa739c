import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../lib/events/record.js';
import { grantPermission } from '../../subgraphs/catalog/src/permission/permission.service.js';
import { call } from '../rest/oauth-client.js';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../support/stack.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * The catalog subgraph's outbox: every change to systems, modules, companies, sites and permission
 * grants is recorded with the change and reaches the audit log (`GET /api/v1/admin/audit-logs`) and
 * webhooks; a change that rolls back records nothing.
 */
let stack: TestStack;
let admin: TestUser;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [stack, receiver] = await Promise.all([
    startTestStack({ WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_DELAYS_MS: '50' }),
    startWebhookReceiver(),
  ]);
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

interface AuditItem {
  action: string;
  user_id: string | null;
  actor_id: string | null;
  tenant_id: string | null;
  ip_address: string | null;
  details: Record<string, unknown>;
}

function ok<T>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

const codeOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.['code'];

function run<T>(query: string, variables: Record<string, unknown> = {}) {
  return stack.graphql<T>(query, { token: admin.token, variables });
}

async function auditLogs(query: Record<string, string>): Promise<AuditItem[]> {
  await stack.drainEvents();
  const response = await call(
    stack,
    'GET',
    `/api/v1/admin/audit-logs?${new URLSearchParams({ limit: '100', ...query }).toString()}`,
    {
      token: admin.token,
    },
  );
  expect(response.status).toBe(200);
  return response.body['items'] as AuditItem[];
}

/** A system with a module, and a company with a site, through the API. */
async function catalog() {
  const top = ok(
    await run<{ s: { systemKey: string }; c: { companyKey: string } }>(
      'mutation { s: createSystem(input: { name: "Billing" }) { systemKey } c: createCompany(input: { name: "Acme" }) { companyKey } }',
    ),
  );
  const below = ok(
    await run<{ m: { moduleKey: string }; site: { siteKey: string } }>(
      `mutation ($s: String!, $c: String!) {
         m: createModule(input: { systemKey: $s, name: "Invoices" }) { moduleKey }
         site: createSite(input: { companyKey: $c, name: "Seoul" }) { siteKey }
       }`,
      { s: top.s.systemKey, c: top.c.companyKey },
    ),
  );
  return {
    systemKey: top.s.systemKey,
    companyKey: top.c.companyKey,
    moduleKey: below.m.moduleKey,
    siteKey: below.site.siteKey,
  };
}

const grantMutation = 'mutation ($i: GrantPermissionInput!) { grantPermission(input: $i) { id } }';

describe('catalog changes in the audit log', () => {
  it('records creations, renames and status changes of each kind, by the admin who made them', async () => {
    const keys = await catalog();
    ok(
      await run('mutation ($k: String!) { updateSystem(key: $k, input: { name: "Billing 2" }) { name } }', {
        k: keys.systemKey,
      }),
    );
    // The same name again is no change.
    ok(
      await run('mutation ($k: String!) { updateSystem(key: $k, input: { name: "Billing 2" }) { name } }', {
        k: keys.systemKey,
      }),
    );
    ok(
      await run('mutation ($k: String!) { setSiteStatus(key: $k, status: INACTIVE) { status } }', { k: keys.siteKey }),
    );
    ok(await run('mutation ($k: String!) { setSiteStatus(key: $k, status: ACTIVE) { status } }', { k: keys.siteKey }));

    const ofKeys = (await auditLogs({ user_id: admin.id })).filter((e) =>
      Object.values(keys).includes(String(e.details['key'])),
    );
    expect(ofKeys.map((e) => e.action).sort()).toEqual([
      'catalog.company_created',
      'catalog.module_created',
      'catalog.site_activated',
      'catalog.site_created',
      'catalog.site_deactivated',
      'catalog.system_created',
      'catalog.system_updated',
    ]);
    expect(ofKeys.every((e) => e.actor_id === admin.id && e.ip_address === '127.0.0.1' && e.tenant_id === null)).toBe(
      true,
    );
    const byAction = (action: string) => ofKeys.find((e) => e.action === action)?.details;
    expect(byAction('catalog.module_created')).toMatchObject({
      key: keys.moduleKey,
      name: 'Invoices',
      systemKey: keys.systemKey,
    });
    expect(byAction('catalog.site_created')).toMatchObject({ key: keys.siteKey, companyKey: keys.companyKey });
    expect(byAction('catalog.system_updated')).toMatchObject({ name: 'Billing 2', previousName: 'Billing' });
    expect(byAction('catalog.site_deactivated')).toMatchObject({ status: 'inactive' });
  });

  it('records a grant and its revocation, about the user the grant names', async () => {
    const keys = await catalog();
    const user = await stack.createUser();
    const input = {
      userSub: user.id,
      scopeType: 'SITE',
      scopeId: keys.siteKey,
      systemKey: keys.systemKey,
      moduleKey: keys.moduleKey,
    };
    const { grantPermission: granted } = ok(
      await run<{ grantPermission: { id: string } }>(grantMutation, { i: { ...input, actions: ['view'] } }),
    );
    ok(await run(grantMutation, { i: { ...input, actions: ['view', 'edit'] } }));
    expect(
      ok(
        await run<{ revokePermission: boolean }>('mutation ($id: ID!) { revokePermission(id: $id) }', {
          id: granted.id,
        }),
      ),
    ).toEqual({ revokePermission: true });
    // A second revoke removes nothing and records nothing.
    ok(await run('mutation ($id: ID!) { revokePermission(id: $id) }', { id: granted.id }));

    const entries = (await auditLogs({ user_id: user.id })).filter((e) => e.action.startsWith('permission.'));
    expect(entries.map((e) => e.action)).toEqual(['permission.revoked', 'permission.granted', 'permission.granted']);
    const grantFields = { grantId: granted.id, userSub: user.id, scopeType: 'SITE', scopeId: keys.siteKey };
    expect(entries[2]).toMatchObject({
      user_id: user.id,
      actor_id: admin.id,
      details: {
        ...grantFields,
        systemKey: keys.systemKey,
        moduleKey: keys.moduleKey,
        actions: ['view'],
        replaced: false,
      },
    });
    expect(entries[1]?.details).toMatchObject({ ...grantFields, actions: ['view', 'edit'], replaced: true });
    expect(entries[0]?.details).toMatchObject({ ...grantFields, actions: ['view', 'edit'] });
    const granting = await auditLogs({ action: 'permission.granted' });
    expect(granting.filter((e) => e.details['grantId'] === granted.id)).toHaveLength(2);
  });

  it('of two concurrent revokes of one grant, records the one that removed it', async () => {
    const keys = await catalog();
    const user = await stack.createUser();
    const { grantPermission: granted } = ok(
      await run<{ grantPermission: { id: string } }>(grantMutation, {
        i: {
          userSub: user.id,
          scopeType: 'COMPANY',
          scopeId: keys.companyKey,
          systemKey: keys.systemKey,
          moduleKey: keys.moduleKey,
          actions: ['view'],
        },
      }),
    );
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        run<{ revokePermission: boolean }>('mutation ($id: ID!) { revokePermission(id: $id) }', { id: granted.id }),
      ),
    );
    expect(answers.map((a) => ok(a).revokePermission).sort()).toEqual([false, false, true]);
    const revoked = await auditLogs({ user_id: user.id, action: 'permission.revoked' });
    expect(revoked.map((e) => e.details['grantId'])).toEqual([granted.id]);
  });

  it('names the API client that granted, when a service (no user) made the change', async () => {
    const keys = await catalog();
    const created = ok(
      await run<{ createApiClient: { client: { id: string } } }>(
        'mutation { createApiClient(input: { name: "provisioner" }) { client { id } } }',
      ),
    );
    const clientId = created.createApiClient.client.id;
    const userSub = `authentik-${randomUUID()}`;
    // No route lets a service write the catalog yet; the service call is what one would run.
    await grantPermission(
      stack.subgraphs.catalog.database.fork(),
      { principal: { kind: 'service', clientId, scopes: [] }, origin: { ipAddress: '10.1.2.3', userAgent: 'svc/1' } },
      {
        userSub,
        scopeType: 'COMPANY',
        scopeId: keys.companyKey,
        systemKey: keys.systemKey,
        moduleKey: keys.moduleKey,
        actions: ['view'],
      },
    );
    const [entry] = (await auditLogs({ action: 'permission.granted' })).filter((e) => e.details['userSub'] === userSub);
    expect(entry).toMatchObject({
      actor_id: null,
      // A sub that is not identity's user id names no user.
      user_id: null,
      ip_address: '10.1.2.3',
      details: { actorClientId: clientId, scopeType: 'COMPANY', scopeId: keys.companyKey },
    });
  });
});

describe('catalog changes that do not happen', () => {
  it('records nothing for a refused change or a rolled-back transaction', async () => {
    const keys = await catalog();
    const userSub = `authentik-${randomUUID()}`;
    ok(
      await run(grantMutation, {
        i: {
          userSub,
          scopeType: 'SITE',
          scopeId: keys.siteKey,
          systemKey: keys.systemKey,
          moduleKey: keys.moduleKey,
          actions: ['view'],
        },
      }),
    );
    // Refused (a grant names the system): nothing changes, nothing is recorded.
    const refused = await run('mutation ($k: String!) { setSystemStatus(key: $k, status: INACTIVE) { status } }', {
      k: keys.systemKey,
    });
    expect(codeOf(refused)).toBe('CONFLICT');
    // A grant on a module of another system is refused inside the grant's transaction.
    const other = await catalog();
    const mismatched = await run(grantMutation, {
      i: {
        userSub,
        scopeType: 'SITE',
        scopeId: keys.siteKey,
        systemKey: keys.systemKey,
        moduleKey: other.moduleKey,
        actions: ['view'],
      },
    });
    expect(codeOf(mismatched)).toBe('VALIDATION_FAILED');
    // An event written in a catalog transaction that then fails never leaves.
    const marker = randomUUID();
    await expect(
      stack.subgraphs.catalog.database.fork().transactional(async (tx) => {
        recordEvent(tx, {
          type: 'catalog.system_updated',
          actorUserId: admin.id,
          payload: { id: randomUUID(), key: keys.systemKey, name: marker, previousName: marker },
        });
        await tx.flush();
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    const about = (await auditLogs({ user_id: admin.id })).filter(
      (e) => e.details['key'] === keys.systemKey || e.details['userSub'] === userSub,
    );
    expect(about.map((e) => e.action).sort()).toEqual(['catalog.system_created', 'permission.granted']);
  });
});

describe('catalog webhooks', () => {
  it('delivers permission.granted to an endpoint subscribed to it', async () => {
    const subscribed = await stack.graphql<{ createWebhookEndpoint: { id: string } }>(
      'mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, events: ["permission.granted", "catalog.system_created"] }) { id } }',
      { token: admin.token, variables: { url: receiver.url } },
    );
    ok(subscribed);
    const keys = await catalog();
    const userSub = `authentik-${randomUUID()}`;
    ok(
      await run(grantMutation, {
        i: {
          userSub,
          scopeType: 'SITE',
          scopeId: keys.siteKey,
          systemKey: keys.systemKey,
          moduleKey: keys.moduleKey,
          actions: ['view'],
        },
      }),
    );
    await stack.drainEvents();
    // Each event is its own delivery: they may arrive in either order.
    const isGrant = (w: ReceivedWebhook) => w.json.data['user_sub'] === userSub;
    const isCreation = (w: ReceivedWebhook) =>
      w.json.event === 'catalog.system_created' && w.json.data['key'] === keys.systemKey;
    const received = await receiver.waitFor((r) => r.some(isGrant) && r.some(isCreation));
    expect(received.find(isGrant)?.json).toMatchObject({
      event: 'permission.granted',
      data: { actor_id: admin.id, scope_id: keys.siteKey, system_key: keys.systemKey, actions: ['view'] },
    });
  });
});
