import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../lib/events/record.js';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { OutboxRelay, outboxWrittenBySql } from '../../lib/events/relay.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from '../../lib/events/relay-signature.js';
import type { RelayBatch, RelayedEvent } from '../../lib/events/wire.js';
import { createLogger } from '../../lib/logging/logger.js';
import { loadConfig } from '../../lib/config/env.js';
import { openSubgraphDatabase } from '../../lib/db/orm.js';
import { AuditEntry } from '../../subgraphs/admin/src/audit/audit-entry.entity.js';
import { goodPassword, register, uniqueEmail } from '../identity/auth-helpers.js';
import { call } from '../rest/oauth-client.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';

/**
 * Events from identity's outbox reach the admin subgraph through the relay and become the audit log
 * (`GET /api/v1/admin/audit-logs`, `auditLogs`) and statistics (`GET /api/v1/admin/statistics`).
 */
let stack: TestStack;
let systemAdmin: TestUser;
const secretKey = 'audit-test-secret-key-0123456789abcdef';

beforeAll(async () => {
  stack = await startTestStack({ SECRET_KEY: secretKey });
  systemAdmin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
});

interface AuditItem {
  id: string;
  action: string;
  user_id: string | null;
  actor_id: string | null;
  app_id: string | null;
  tenant_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  created_at: string;
}

async function auditLogs(token: string, query: Record<string, string> = {}) {
  const search = new URLSearchParams(query).toString();
  const response = await call(stack, 'GET', `/api/v1/admin/audit-logs${search ? `?${search}` : ''}`, { token });
  return response as typeof response & { body: { items: AuditItem[]; total: number; page: number; limit: number } };
}

async function signUpAndSignIn(userAgent: string) {
  const email = uniqueEmail('audit');
  const registered = await register(stack, { email, password: goodPassword });
  const userId = registered.data!.register.user.id;
  const response = await fetch(`${stack.gatewayUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email, password: goodPassword }),
  });
  expect(response.status).toBe(200);
  return { userId, email };
}

function signedPost(body: string, signature?: string) {
  return fetch(new URL('/events', stack.subgraphs.admin.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { [RELAY_SIGNATURE_HEADER]: signature } : {}) },
    body,
  });
}

function relayedEvent(overrides: Partial<RelayedEvent>): RelayedEvent {
  return {
    id: randomUUID(),
    type: 'user.updated',
    occurredAt: new Date().toISOString(),
    tenantId: null,
    actorUserId: null,
    subjectUserId: null,
    ipAddress: null,
    userAgent: null,
    payload: {},
    ...overrides,
  };
}

const relayLogger = createLogger(loadConfig({ LOG_LEVEL: 'silent' }), 'relay-test');

/** An outbox in a schema no running relay knows, created from the entity (no NOTIFY trigger). */
async function privateOutbox() {
  const outbox = await openSubgraphDatabase({
    url: stack.databaseUrl,
    schema: `relay_test_${randomUUID().slice(0, 8)}`,
    entities: [OutboxEvent],
    migrations: [],
    poolMax: 2,
    logger: relayLogger,
    migrate: false,
  });
  await outbox.orm.schema.createSchema();
  return outbox;
}

describe('GET /api/v1/admin/audit-logs', () => {
  it('lists a sign-up (which signs in too) and a sign-in with the address and user agent', async () => {
    const { userId } = await signUpAndSignIn('audit-test-agent/1.0');
    await stack.drainEvents();
    const response = await auditLogs(systemAdmin.token, { user_id: userId });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total: 3, page: 1, limit: 20 });
    expect(response.body.items.map((e) => e.action).sort()).toEqual(['user.created', 'user.login', 'user.login']);
    // Newest first: the REST sign-in came after the sign-up's two events.
    const [latest] = response.body.items;
    expect(latest).toMatchObject({
      action: 'user.login',
      user_id: userId,
      actor_id: userId,
      ip_address: '127.0.0.1',
      user_agent: 'audit-test-agent/1.0',
      app_id: null,
    });
    expect(Date.parse(latest!.created_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('filters by action and by date, and pages', async () => {
    const { userId } = await signUpAndSignIn('filter-agent');
    await stack.drainEvents();
    const created = await auditLogs(systemAdmin.token, { user_id: userId, action: 'user.created' });
    expect(created.body.items.map((e) => e.action)).toEqual(['user.created']);
    const logins = await auditLogs(systemAdmin.token, { user_id: userId, action: 'user.login' });
    expect(logins.body.items.map((e) => e.action)).toEqual(['user.login', 'user.login']);

    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const inToday = await auditLogs(systemAdmin.token, { user_id: userId, start_date: today, end_date: today });
    expect(inToday.body.total).toBe(3);
    const untilYesterday = await auditLogs(systemAdmin.token, { user_id: userId, end_date: yesterday });
    expect(untilYesterday.body.total).toBe(0);
    const fromNow = await auditLogs(systemAdmin.token, { user_id: userId, start_date: new Date().toISOString() });
    expect(fromNow.body.total).toBe(0);

    const pages = await Promise.all(
      ['1', '2', '3', '4'].map((page) => auditLogs(systemAdmin.token, { user_id: userId, limit: '1', page })),
    );
    expect(pages.map((p) => p.body.items.length)).toEqual([1, 1, 1, 0]);
    const all = await auditLogs(systemAdmin.token, { user_id: userId });
    expect(pages.flatMap((p) => p.body.items.map((e) => e.id))).toEqual(all.body.items.map((e) => e.id));
  });

  it('refuses malformed filters with 422', async () => {
    const malformed: Record<string, string>[] = [
      { start_date: 'yesterday' },
      { user_id: 'nope' },
      { limit: '1000' },
      { page: '0' },
    ];
    for (const query of malformed) {
      const response = await auditLogs(systemAdmin.token, query);
      expect({ query, status: response.status, error: response.body['error'] }).toEqual({
        query,
        status: 422,
        error: 'validation_failed',
      });
    }
    const backwards = await auditLogs(systemAdmin.token, { start_date: '2026-02-01', end_date: '2026-01-01' });
    expect(backwards.status).toBe(422);
  });

  it("shows a group admin its own tenant's entries only", async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'audit-tenant-a' });
    const inTenant = await stack.createUser({ tenantSlug: 'audit-tenant-a' });
    const elsewhere = await stack.createUser({ tenantSlug: 'audit-tenant-b' });
    await stack.drainEvents();
    const seen = await auditLogs(groupAdmin.token, { action: 'user.created' });
    const subjects = seen.body.items.map((e) => e.user_id);
    expect(subjects).toContain(inTenant.id);
    expect(subjects).not.toContain(elsewhere.id);
    expect(seen.body.items.every((e) => e.tenant_id === groupAdmin.tenantId)).toBe(true);
    expect((await auditLogs(groupAdmin.token, { user_id: elsewhere.id })).body.total).toBe(0);
    // A system admin sees both.
    const all = await auditLogs(systemAdmin.token, { action: 'user.created', limit: '100' });
    expect(all.body.items.map((e) => e.user_id)).toEqual(expect.arrayContaining([inTenant.id, elsewhere.id]));
  });

  it('answers 403 to a user who is not an admin and 401 without a token', async () => {
    const user = await stack.createUser();
    expect((await auditLogs(user.token)).status).toBe(403);
    const anonymous = await call(stack, 'GET', '/api/v1/admin/audit-logs');
    expect(anonymous.status).toBe(401);
  });

  it('is also the GraphQL auditLogs query, with the recorded details', async () => {
    const target = await stack.createUser();
    const changed = await stack.graphql(
      'mutation ($id: ID!) { setUserRole(userId: $id, role: GROUP_ADMIN) { id role } }',
      { token: systemAdmin.token, variables: { id: target.id } },
    );
    expect(changed.errors).toBeUndefined();
    await stack.drainEvents();
    const response = await stack.graphql<{
      auditLogs: { total: number; items: { action: string; actorUserId: string; details: Record<string, unknown> }[] };
    }>(
      'query ($f: AuditLogFilter) { auditLogs(filter: $f) { total items { action actorUserId subjectUserId details } } }',
      { token: systemAdmin.token, variables: { f: { userId: target.id, action: 'user.role_changed' } } },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.auditLogs.total).toBe(1);
    expect(response.data?.auditLogs.items[0]).toMatchObject({
      action: 'user.role_changed',
      actorUserId: systemAdmin.id,
      details: expect.objectContaining({ to: 'GROUP_ADMIN' }) as unknown,
    });
  });
});

describe('sign-outs and API clients', () => {
  it('lists a sign-out as user.logout with the address and user agent', async () => {
    const { userId, email } = await signUpAndSignIn('logout-agent');
    const signedIn = await call(stack, 'POST', '/api/v1/auth/login', { body: { email, password: goodPassword } });
    const token = String(signedIn.body['access_token']);
    const out = await call(stack, 'POST', '/api/v1/auth/logout', { token, headers: { 'user-agent': 'logout-agent' } });
    expect(out.status).toBe(200);
    await stack.drainEvents();
    const logouts = await auditLogs(systemAdmin.token, { user_id: userId, action: 'user.logout' });
    expect(logouts.body.items).toHaveLength(1);
    expect(logouts.body.items[0]).toMatchObject({
      user_id: userId,
      actor_id: userId,
      ip_address: '127.0.0.1',
      user_agent: 'logout-agent',
    });
  });

  it('lists API client creation, key rotation and disabling as api_client.*, by the admin who did it', async () => {
    const created = await stack.graphql<{ createApiClient: { client: { id: string } } }>(
      'mutation { createApiClient(input: { name: "audited-service" }) { client { id } } }',
      { token: systemAdmin.token },
    );
    expect(created.errors).toBeUndefined();
    const clientId = created.data!.createApiClient.client.id;
    for (const mutation of ['rotateApiClientKey(id: $id) { apiKey }', 'disableApiClient(id: $id) { disabledAt }']) {
      const changed = await stack.graphql(`mutation ($id: ID!) { ${mutation} }`, {
        token: systemAdmin.token,
        variables: { id: clientId },
      });
      expect(changed.errors).toBeUndefined();
    }
    await stack.drainEvents();
    const entries = await auditLogs(systemAdmin.token, { user_id: systemAdmin.id, limit: '100' });
    const ofClient = entries.body.items.filter((e) => e.details['clientId'] === clientId);
    expect(ofClient.map((e) => e.action)).toEqual(['api_client.disabled', 'api_client.rotated', 'api_client.created']);
    expect(ofClient.every((e) => e.actor_id === systemAdmin.id && e.ip_address === '127.0.0.1')).toBe(true);
    expect(ofClient[2]?.details).toMatchObject({ name: 'audited-service' });
    const byAction = await auditLogs(systemAdmin.token, { action: 'api_client.rotated', limit: '100' });
    expect(byAction.body.items.map((e) => e.details['clientId'])).toContain(clientId);
  });
});

describe('events from the member subgraph', () => {
  it('audits a profile change as user.updated naming the changed fields, not their values', async () => {
    const user = await stack.createUser();
    const patched = await call(stack, 'PATCH', '/api/v1/members/me', {
      token: user.token,
      body: { display_name: 'Secret Name', language: 'en' },
    });
    expect(patched.status).toBe(200);
    // Unchanged values are not reported as changes.
    const again = await call(stack, 'PATCH', '/api/v1/members/me', {
      token: user.token,
      body: { display_name: 'Secret Name', language: 'en' },
    });
    expect(again.status).toBe(200);
    await stack.drainEvents();
    const updates = await auditLogs(systemAdmin.token, { user_id: user.id, action: 'user.updated' });
    // One name per person: identity records the name it owns, member the profile fields it owns.
    const recorded = updates.body.items
      .map((e) => ({ actor_id: e.actor_id, ip_address: e.ip_address, changed: e.details['changed'] }))
      .sort((x, y) => JSON.stringify(x.changed).localeCompare(JSON.stringify(y.changed)));
    expect(recorded).toEqual([
      { actor_id: user.id, ip_address: '127.0.0.1', changed: ['displayName'] },
      { actor_id: user.id, ip_address: '127.0.0.1', changed: ['language'] },
    ]);
    expect(JSON.stringify(updates.body.items)).not.toContain('Secret Name');
  });
});

describe('the outbox relay', () => {
  it('never records an event whose transaction rolled back', async () => {
    const subject = randomUUID();
    const em = stack.subgraphs.identity.database.fork();
    await expect(
      em.transactional(async (tx) => {
        recordEvent(tx, { type: 'user.updated', subjectUserId: subject, payload: { changed: ['rolled-back'] } });
        await tx.flush();
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await em.fork().transactional(async (tx) => {
      recordEvent(tx, { type: 'user.updated', subjectUserId: subject, payload: { changed: ['committed'] } });
    });
    // The relay's statements are background work: request statement counts (batching tests) skip them.
    // (The stack's own relays may have sent the event already, so what drain returns is not asserted.)
    const before = stack.subgraphs.identity.database.statementCount();
    await stack.drainEvents();
    expect(stack.subgraphs.identity.database.statementCount()).toBe(before);
    const entries = await stack.subgraphs.admin.database.fork().find(AuditEntry, { subjectUserId: subject });
    expect(entries.map((e) => e.data['changed'])).toEqual([['committed']]);
  });

  it('sends an event a dead relay had claimed once its lease runs out', async () => {
    const subject = randomUUID();
    const em = stack.subgraphs.identity.database.fork();
    // A relay claimed it and died before sending: the lease holds it for now… (written claimed, so the
    // stack's own relays cannot take it between the insert and the claim)
    const event = recordEvent(em, { type: 'user.updated', subjectUserId: subject });
    event.claimedUntil = new Date(Date.now() + 60_000);
    await em.flush();
    await stack.drainEvents();
    expect(await stack.subgraphs.admin.database.fork().count(AuditEntry, { subjectUserId: subject })).toBe(0);
    // …and once the lease has run out, another relay sends it.
    await em.nativeUpdate(OutboxEvent, { id: event.id }, { claimedUntil: new Date(Date.now() - 1000) });
    await stack.drainEvents();
    expect(await stack.subgraphs.admin.database.fork().count(AuditEntry, { subjectUserId: subject })).toBe(1);
  });

  it('sends an event written by a statement of its own as soon as its transaction commits', async () => {
    // An outbox no running relay knows, without the migrations' NOTIFY trigger, and a relay that
    // never polls on its own after its first look: only the wake can move the event.
    const outbox = await privateOutbox();
    const schema = String(outbox.orm.config.get('schema'));
    const sent: string[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RelayBatch;
        sent.push(...batch.events.map((e) => e.id));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted: batch.events.length }));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const relay = new OutboxRelay({
      source: 'relay-test',
      database: outbox,
      target: new URL(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`),
      secretKeys: secretKeys(secretKey),
      logger: relayLogger,
      intervalMs: 600_000,
      idleMaxIntervalMs: 600_000,
    });
    const writeEvent = async (announce: boolean) => {
      const id = randomUUID();
      await outbox.fork().transactional(async (tx) => {
        await tx.execute(
          `insert into "${schema}"."outbox_event" (id, type, occurred_at, payload) values (?, 'user.updated', now(), '{}'::jsonb)`,
          [id],
        );
        if (announce) outboxWrittenBySql(tx);
      });
      return id;
    };
    try {
      relay.start();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const unannounced = await writeEvent(false);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(sent).not.toContain(unannounced);
      const announced = await writeEvent(true);
      await expect.poll(() => sent.includes(announced), { timeout: 2_000, interval: 20 }).toBe(true);
    } finally {
      await relay.stop();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await outbox.close();
    }
  });

  it('with two relays at once, sends every event exactly once', async () => {
    // An outbox of its own (a schema no running relay knows), so only the two relays below read it.
    const outbox = await privateOutbox();
    const em = outbox.fork();
    for (let i = 0; i < 300; i++) recordEvent(em, { type: 'user.updated', payload: { changed: [String(i)] } });
    await em.flush();

    // A recording proxy in front of admin sees every batch either relay sends.
    const sent: string[] = [];
    const target = new URL('/events', stack.subgraphs.admin.url);
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        sent.push(...(JSON.parse(body.toString('utf8')) as RelayBatch).events.map((e) => e.id));
        void fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [RELAY_SIGNATURE_HEADER]: String(req.headers[RELAY_SIGNATURE_HEADER]),
          },
          body,
        }).then(async (answer) => res.writeHead(answer.status).end(await answer.text()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const relays = [1, 2].map(
      () =>
        new OutboxRelay({
          source: 'relay-test',
          database: outbox,
          target: new URL(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/events`),
          secretKeys: secretKeys(secretKey),
          logger: relayLogger,
          batchSize: 25,
        }),
    );
    try {
      const counts = await Promise.all(relays.map((relay) => relay.drain()));
      expect(counts[0]! + counts[1]!).toBe(300);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
    const ours = await outbox.fork().find(OutboxEvent, {});
    expect(sent.length).toBe(300);
    expect(new Set(sent)).toEqual(new Set(ours.map((e) => e.id)));
    expect(ours.every((e) => e.publishedAt)).toBe(true);
    expect(await stack.subgraphs.admin.database.fork().count(AuditEntry, { id: { $in: sent } })).toBe(300);
    await outbox.close();
  });

  it("refuses a batch without the relay's signature, and accepts a replayed one once", async () => {
    const event = relayedEvent({ subjectUserId: randomUUID() });
    const body = JSON.stringify({ source: 'identity', events: [event] } satisfies RelayBatch);
    expect((await signedPost(body)).status).toBe(401);
    expect(
      (await signedPost(body, relaySigner(secretKeys('some-other-secret-key-0123456789abcdef')).sign(body))).status,
    ).toBe(401);
    const signature = relaySigner(secretKeys(secretKey)).sign(body);
    expect(await (await signedPost(body, signature)).json()).toEqual({ received: 1, accepted: 1 });
    expect(await (await signedPost(body, signature)).json()).toEqual({ received: 1, accepted: 0 });
    expect(await stack.subgraphs.admin.database.fork().count(AuditEntry, { id: event.id })).toBe(1);
  });

  it('keeps audit entries append-only in the database', async () => {
    const [entry] = await stack.subgraphs.admin.database.fork().find(AuditEntry, {}, { limit: 1 });
    const em = stack.subgraphs.admin.database.fork();
    await expect(em.nativeUpdate(AuditEntry, { id: entry!.id }, { action: 'forged' })).rejects.toThrow(/append-only/);
    await expect(em.nativeDelete(AuditEntry, { id: entry!.id })).rejects.toThrow(/append-only/);
  });
});

describe('GET /api/v1/admin/statistics', () => {
  async function statistics(token: string) {
    const response = await call(stack, 'GET', '/api/v1/admin/statistics', { token });
    expect(response.status).toBe(200);
    return response.body as {
      total_users: number;
      active_users_today: number;
      total_applications: number;
      total_authentications_today: number;
      top_applications: { app_id: string; name: string | null; authentications: number }[];
    };
  }

  it('counts accounts, today’s distinct active users and sign-ins', async () => {
    await stack.drainEvents();
    const before = await statistics(systemAdmin.token);
    const first = await signUpAndSignIn('stats');
    await signUpAndSignIn('stats');
    // Each sign-up signs in (2 × 2 sign-ins so far); the first user then signs in twice more.
    for (let i = 0; i < 2; i++) {
      const again = await call(stack, 'POST', '/api/v1/auth/login', {
        body: { email: first.email, password: goodPassword },
      });
      expect(again.status).toBe(200);
    }
    await stack.drainEvents();
    const after = await statistics(systemAdmin.token);
    expect(after.total_users - before.total_users).toBe(2);
    expect(after.active_users_today - before.active_users_today).toBe(2);
    expect(after.total_authentications_today - before.total_authentications_today).toBe(6);
  });

  it('ranks applications by today’s sign-ins through them, with their names', async () => {
    const tenantId = systemAdmin.tenantId;
    const [busy, quiet] = [randomUUID(), randomUUID()];
    const user = randomUUID();
    const at = (second: number) => new Date(Date.now() - 6_000 + second * 1000).toISOString();
    const events = [
      relayedEvent({
        type: 'application.created',
        occurredAt: at(0),
        tenantId,
        payload: { applicationId: busy, name: 'Busy app' },
      }),
      relayedEvent({
        type: 'application.created',
        occurredAt: at(1),
        tenantId,
        payload: { applicationId: quiet, name: 'Quiet app' },
      }),
      ...[busy, busy, busy, quiet].map((applicationId, i) =>
        relayedEvent({
          type: 'user.login',
          occurredAt: at(2 + i),
          tenantId,
          subjectUserId: user,
          payload: { applicationId },
        }),
      ),
    ];
    const before = await statistics(systemAdmin.token);
    const body = JSON.stringify({ source: 'identity', events } satisfies RelayBatch);
    expect((await signedPost(body, relaySigner(secretKeys(secretKey)).sign(body))).status).toBe(200);
    const after = await statistics(systemAdmin.token);
    expect(after.total_applications - before.total_applications).toBe(2);
    expect(after.top_applications.slice(0, 2)).toEqual([
      { app_id: busy, name: 'Busy app', authentications: 3 },
      { app_id: quiet, name: 'Quiet app', authentications: 1 },
    ]);
    const byApp = await auditLogs(systemAdmin.token, { app_id: quiet });
    expect(byApp.body.items.map((e) => e.action)).toEqual(['user.login', 'application.created']);
  });

  it("gives a group admin its own tenant's figures", async () => {
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN', tenantSlug: 'stats-own-tenant' });
    await stack.drainEvents();
    const before = await statistics(groupAdmin.token);
    await stack.createUser({ tenantSlug: 'stats-own-tenant' });
    await stack.createUser({ tenantSlug: 'stats-other-tenant' });
    await stack.drainEvents();
    const after = await statistics(groupAdmin.token);
    expect(after.total_users - before.total_users).toBe(1);
    const everyone = await statistics(systemAdmin.token);
    expect(everyone.total_users).toBeGreaterThan(after.total_users);
  });

  it('answers the same figures through GraphQL statistics', async () => {
    await stack.drainEvents();
    const rest = await statistics(systemAdmin.token);
    const response = await stack.graphql<{ statistics: { totalUsers: number; activeUsersToday: number } }>(
      '{ statistics { totalUsers activeUsersToday } }',
      { token: systemAdmin.token },
    );
    expect(response.data?.statistics).toEqual({
      totalUsers: rest.total_users,
      activeUsersToday: rest.active_users_today,
    });
    const user = await stack.createUser();
    const refused = await stack.graphql('{ statistics { totalUsers } }', { token: user.token });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
