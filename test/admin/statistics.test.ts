import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayedEvent } from '../../lib/events/wire.js';
import type { AdminServices } from '../../subgraphs/admin/src/definition.js';
import { statisticsStatements } from '../../subgraphs/admin/src/statistics/statistics.service.js';
import { goodPassword, register, uniqueEmail } from '../identity/auth-helpers.js';
import { callback, exchange, pkcePair, registerApplication } from '../oauth/flow.js';
import { call } from '../rest/oauth-client.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';

/**
 * `GET /api/v1/admin/statistics` reads running tallies: per-tenant counts kept with the census, and
 * today's sign-ins, where one OAuth sign-in through the hosted page is one authentication.
 */
let stack: TestStack;
let systemAdmin: TestUser;

beforeAll(async () => {
  stack = await startTestStack();
  systemAdmin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
});

interface Figures {
  total_users: number;
  active_users_today: number;
  total_applications: number;
  total_authentications_today: number;
  top_applications: { app_id: string; name: string | null; authentications: number }[];
}

async function statistics(token: string): Promise<Figures> {
  await stack.drainEvents();
  const response = await call(stack, 'GET', '/api/v1/admin/statistics', { token });
  expect(response.status).toBe(200);
  return response.body as unknown as Figures;
}

const ok = <T>(response: { data?: T | null; errors?: unknown[] }): T => {
  expect(response.errors).toBeUndefined();
  return response.data as T;
};

describe('total users, kept per tenant', () => {
  it('follows sign-ups, moves between tenants and deletions, in both scopes', async () => {
    const adminA = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'tally-a' });
    const adminB = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'tally-b' });
    const before = { a: await statistics(adminA.token), b: await statistics(adminB.token) };
    const all = await statistics(systemAdmin.token);

    const [stays, moves] = [
      await stack.createUser({ tenantSlug: 'tally-a' }),
      await stack.createUser({ tenantSlug: 'tally-a' }),
    ];
    const leaves = await stack.createUser({ tenantSlug: 'tally-b' });
    const moved = await stack.graphql(
      'mutation ($t: ID!, $u: ID!) { moveUserToTenant(tenantId: $t, userId: $u) { id } }',
      {
        token: systemAdmin.token,
        variables: { t: adminB.tenantId, u: moves.id },
      },
    );
    ok(moved);
    ok(
      await stack.graphql('mutation ($u: ID!) { deleteUser(userId: $u) }', {
        token: systemAdmin.token,
        variables: { u: leaves.id },
      }),
    );

    // a: +2 created, -1 moved out; b: +1 created, +1 moved in, -1 deleted.
    expect((await statistics(adminA.token)).total_users - before.a.total_users).toBe(1);
    expect((await statistics(adminB.token)).total_users - before.b.total_users).toBe(1);
    expect((await statistics(systemAdmin.token)).total_users - all.total_users).toBe(2);
    expect(stays.tenantId).toBe(adminA.tenantId);
  });

  it('is not moved by an event relayed twice, a deletion repeated, or a move to the same tenant', async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'tally-replays' });
    const before = await statistics(groupAdmin.token);
    const userId = randomUUID();
    const event = (type: string, payload: Record<string, unknown> = {}): RelayedEvent => ({
      id: randomUUID(),
      type,
      occurredAt: new Date().toISOString(),
      tenantId: groupAdmin.tenantId,
      actorUserId: null,
      subjectUserId: userId,
      ipAddress: null,
      userAgent: null,
      payload,
    });
    const { ingest } = stack.subgraphs.admin.services as AdminServices;
    const accept = (...events: RelayedEvent[]) =>
      ingest.ingest(stack.subgraphs.admin.database.fork(), 'identity', events);
    const created = event('user.created');
    await accept(created);
    await accept(created);
    await accept(event('user.created'));
    await accept(event('user.tenant_changed', { from: groupAdmin.tenantId, to: groupAdmin.tenantId }));
    expect((await statistics(groupAdmin.token)).total_users - before.total_users).toBe(1);
    await accept(event('user.deleted'));
    await accept(event('user.deleted'));
    expect((await statistics(groupAdmin.token)).total_users).toBe(before.total_users);
  });

  it('counts each of many sign-ups once when their events arrive concurrently, some twice', async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'tally-concurrent' });
    const before = await statistics(groupAdmin.token);
    const created = Array.from({ length: 20 }, (): RelayedEvent => ({
      id: randomUUID(),
      type: 'user.created',
      occurredAt: new Date().toISOString(),
      tenantId: groupAdmin.tenantId,
      actorUserId: null,
      subjectUserId: randomUUID(),
      ipAddress: null,
      userAgent: null,
      payload: {},
    }));
    const { ingest } = stack.subgraphs.admin.services as AdminServices;
    // Like several relays (or a relay retrying) at once: every event in two concurrent batches.
    const accepted = await Promise.all(
      [...created, ...created].map((e) => ingest.ingest(stack.subgraphs.admin.database.fork(), 'identity', [e])),
    );
    expect(accepted.reduce((a, b) => a + b, 0)).toBe(20);
    expect((await statistics(groupAdmin.token)).total_users - before.total_users).toBe(20);
  });

  it('equals the census it is kept with, tenant by tenant', async () => {
    const em = stack.subgraphs.admin.database.fork();
    const tallies = await em.execute<{ tenant_key: string; users: number }[]>(
      `select tenant_key, users from "admin"."tenant_tally" where users <> 0 order by tenant_key`,
    );
    const census = await em.execute<{ tenant_key: string; users: string }[]>(
      `select coalesce(tenant_id::text, '') as tenant_key, count(*) as users from "admin"."user_census"
       where deleted_at is null group by 1 order by 1`,
    );
    expect(tallies.map((t) => [t.tenant_key, Number(t.users)])).toEqual(
      census.map((c) => [c.tenant_key, Number(c.users)]),
    );
    expect(tallies.length).toBeGreaterThan(1);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  /** A bitmap heap scan's: the condition of the index scan under it. */
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

/** Every scan of the statement's plan, with sequential scans priced out (as on a large table). */
async function scansOf(sql: string, params: readonly unknown[]): Promise<PlanNode[]> {
  return stack.subgraphs.admin.database.fork().transactional(async (tx) => {
    await tx.execute('set local enable_seqscan = off');
    const [row] = await tx.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${sql}`, [
      ...params,
    ]);
    const scans: PlanNode[] = [];
    const walk = (node: PlanNode) => {
      if (node['Relation Name']) scans.push(node);
      node.Plans?.forEach(walk);
    };
    walk(row!['QUERY PLAN'][0].Plan);
    return scans;
  });
}

describe('the statistics statements', () => {
  const day = new Date().toISOString().slice(0, 10);

  it.each([
    ['a group admin', 'tenant', randomUUID()],
    ['a system admin', 'day', null],
  ])('for %s, look rows up through an index on the %s, and never read the census', async (_who, bound, tenant) => {
    const scans = (
      await Promise.all(statisticsStatements('admin', tenant, day).map((s) => scansOf(s.sql, s.params)))
    ).flat();
    const relations = scans.map((s) => s['Relation Name']);
    expect(relations).not.toContain('user_census');
    expect(relations).toEqual(expect.arrayContaining(['tenant_tally', 'daily_active_user', 'daily_authentication']));
    // A system admin's totals sum the tally, one row per tenant; everything else is looked up.
    const lookedUp = scans.filter(
      (s) =>
        s['Relation Name'] !== 'application_census' && (bound === 'tenant' || s['Relation Name'] !== 'tenant_tally'),
    );
    for (const scan of lookedUp) {
      const indexCond = scan['Index Cond'] ?? scan['Recheck Cond'] ?? '';
      const detail = `${scan['Node Type']} on ${scan['Relation Name']} (${indexCond})`;
      expect(scan['Node Type'], detail).not.toBe('Seq Scan');
      expect(indexCond, detail).toMatch(bound === 'tenant' ? /tenant_(id|key)/ : /day/);
    }
  });
});

/** The hosted page's form fields (gateway/src/pages): the flow's parameters and the CSRF token. */
function pageForm(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)"/g)) {
    fields[name!] = value!;
  }
  return fields;
}

/** A browser's cookie jar, enough for the hosted pages. */
class Cookies {
  private readonly jar = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Signs in and approves on the hosted page, as a person would; answers the code for the application. */
async function signInThroughHostedPage(clientId: string, email: string, challenge: string): Promise<string> {
  const cookies = new Cookies();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callback,
    scope: 'read',
    state: 'stats',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const page = await fetch(`${stack.gatewayUrl}/oauth/authorize?${query.toString()}`);
  expect(page.status).toBe(200);
  cookies.take(page);
  const post = async (form: Record<string, string>) => {
    const response = await fetch(`${stack.gatewayUrl}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.header() },
      body: new URLSearchParams(form).toString(),
    });
    cookies.take(response);
    return response;
  };
  const consent = await post({ ...pageForm(await page.text()), action: 'sign_in', email, password: goodPassword });
  expect(consent.status).toBe(200);
  const approved = await post({ ...pageForm(await consent.text()), action: 'approve' });
  expect([302, 303]).toContain(approved.status);
  const code = new URL(approved.headers.get('location')!).searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

describe('total authentications today', () => {
  it('counts one OAuth sign-in through the hosted page once, and for the application', async () => {
    const app = await registerApplication(stack);
    const email = uniqueEmail('stats-oauth');
    const userId = ok(await register(stack, { email, password: goodPassword })).register.user.id;
    const before = await statistics(systemAdmin.token);

    const { verifier, challenge } = pkcePair();
    const code = await signInThroughHostedPage(app.clientId, email, challenge);
    await exchange(stack, app, { code, verifier });

    const after = await statistics(systemAdmin.token);
    expect(after.total_authentications_today - before.total_authentications_today).toBe(1);
    const usage = (figures: Figures) => figures.top_applications.find((t) => t.app_id === app.id)?.authentications ?? 0;
    expect(usage(after) - usage(before)).toBe(1);
    // The audit log keeps both events: the page's sign-in, and the sign-in to the application.
    const logins = await call(stack, 'GET', `/api/v1/admin/audit-logs?user_id=${userId}&action=user.login`, {
      token: systemAdmin.token,
    });
    const apps = (logins.body['items'] as { app_id: string | null }[]).map((e) => e.app_id);
    expect(apps.filter((a) => a === app.id)).toHaveLength(1);
  });
});
