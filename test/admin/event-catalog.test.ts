import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventPayload, type EventType } from '../../lib/events/catalog.js';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { recordEvent } from '../../lib/events/record.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from '../../lib/events/relay-signature.js';
import type { RelayBatch, RelayedEvent } from '../../lib/events/wire.js';
import { AuditEntry } from '../../subgraphs/admin/src/audit/audit-entry.entity.js';
import { call } from '../rest/oauth-client.js';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';

/**
 * The event catalog (lib/events/catalog.ts) end to end: every type it declares can be recorded,
 * subscribed to by name, delivered and found with the audit log's action filter, never with the
 * fields it marks personal; events it does not declare are refused by admin and kept by the relay.
 */
const secretKey = randomBytes(32).toString('base64url');
let stack: TestStack;
let admin: TestUser;
let receiver: WebhookReceiver;

const email = `someone-${randomUUID()}@example.com`;
const item = { id: randomUUID(), key: 'ST20260101X0001', name: 'Example' };
const grant = {
  grantId: randomUUID(),
  userSub: `sub-${randomUUID()}`,
  scopeType: 'SITE' as const,
  scopeId: 'SI20260101X0001',
  systemKey: 'ST20260101X0001',
  moduleKey: 'MD20260101X0001',
  actions: ['view'],
};
const application = { applicationId: randomUUID(), name: 'Example app' };

/** One payload per catalog type: a type added to the catalog does not compile here until it has one. */
const examples: { [T in EventType]: EventPayload<T> } = {
  'user.created': { email, role: 'USER', via: 'bootstrap' },
  'user.updated': { changed: ['displayName'] },
  'user.deleted': {},
  'user.login': { sessionId: randomUUID() },
  'user.logout': { sessionId: randomUUID() },
  'user.login_failed': { reason: 'unknown_account', email },
  'user.login_throttled': { until: new Date().toISOString() },
  'user.password_changed': {},
  'user.password_setup_issued': { clientId: randomUUID() },
  'user.role_changed': { from: 'USER', to: 'GROUP_ADMIN' },
  'user.activated': {},
  'user.deactivated': {},
  'user.tenant_changed': { from: randomUUID(), to: randomUUID() },
  'user.totp_enrolled': {},
  'user.totp_disabled': {},
  'user.email_verification_sent': { purpose: 'primary', email },
  'user.email_verified': { email },
  'user.email_changed': { from: email, to: email },
  'user.password_reset_requested': { email, throttled: true },
  'user.password_reset': { sessionsEnded: 2 },
  'session.refresh_reuse_detected': { sessionId: randomUUID() },
  'tenant.created': { slug: `tenant-${randomUUID()}` },
  'application.created': application,
  'application.updated': { ...application, secretRegenerated: true },
  'application.deleted': application,
  'application.authorized': { ...application, scopes: ['openid'] },
  'application.revoked': application,
  'api_client.created': { clientId: randomUUID(), name: 'Example client' },
  'api_client.rotated': { clientId: randomUUID() },
  'api_client.disabled': { clientId: randomUUID() },
  'signing_key.rotated': { algorithm: 'ES256', kid: randomUUID(), immediately: true, withdrawnKeyIds: [randomUUID()] },
  'catalog.system_created': item,
  'catalog.system_updated': { ...item, previousName: 'Before' },
  'catalog.system_activated': { ...item, status: 'active' },
  'catalog.system_deactivated': { ...item, status: 'inactive' },
  'catalog.module_created': { ...item, systemKey: 'ST20260101X0001' },
  'catalog.module_updated': { ...item, systemKey: 'ST20260101X0001', previousName: 'Before' },
  'catalog.module_activated': { ...item, systemKey: 'ST20260101X0001', status: 'active' },
  'catalog.module_deactivated': { ...item, systemKey: 'ST20260101X0001', status: 'inactive' },
  'catalog.company_created': item,
  'catalog.company_updated': { ...item, previousName: 'Before' },
  'catalog.company_activated': { ...item, status: 'active' },
  'catalog.company_deactivated': { ...item, status: 'inactive' },
  'catalog.site_created': { ...item, companyKey: 'CP20260101X0001' },
  'catalog.site_updated': { ...item, companyKey: 'CP20260101X0001', previousName: 'Before' },
  'catalog.site_activated': { ...item, companyKey: 'CP20260101X0001', status: 'active' },
  'catalog.site_deactivated': { ...item, companyKey: 'CP20260101X0001', status: 'inactive' },
  'permission.granted': { ...grant, replaced: false },
  'permission.revoked': grant,
};

/** Every example is about this user, so the checks below find exactly them. */
const subject = randomUUID();

function ok<T>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

beforeAll(async () => {
  [stack, receiver] = await Promise.all([
    startTestStack({ SECRET_KEY: secretKey, WEBHOOK_POLL_INTERVAL_MS: '50' }),
    startWebhookReceiver(),
  ]);
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  // Subscribed to every type by name (not `*`), so each one must be a subscribable type.
  ok(
    await stack.graphql(
      'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
      { token: admin.token, variables: { input: { url: receiver.url, events: [...EVENT_TYPES] } } },
    ),
  );
  await stack.subgraphs.identity.database.fork().transactional(async (tx) => {
    for (const type of EVENT_TYPES) recordEvent(tx, { type, subjectUserId: subject, payload: examples[type] });
  });
  await stack.drainEvents();
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('every type of the event catalog', () => {
  it('is subscribable by name and delivered, without the fields the catalog marks personal', async () => {
    const received = await receiver.waitFor(
      (all) => all.filter((w) => w.json.data['user_id'] === subject).length >= EVENT_TYPES.length,
    );
    const about = received.filter((w) => w.json.data['user_id'] === subject);
    expect(about.map((w) => w.json.event).sort()).toEqual([...EVENT_TYPES].sort());
    expect(about.map((w) => w.body).join('\n')).not.toContain(email);
  });

  it("is found by the audit log's action filter, without the fields the catalog marks personal", async () => {
    for (const action of EVENT_TYPES) {
      const response = await call(
        stack,
        'GET',
        `/api/v1/admin/audit-logs?${new URLSearchParams({ user_id: subject, action }).toString()}`,
        { token: admin.token },
      );
      expect(response.status, action).toBe(200);
      const body = response.body as { items: { action: string; details: Record<string, unknown> }[] };
      expect(
        body.items.map((e) => e.action),
        action,
      ).toEqual([action]);
      expect(JSON.stringify(body), action).not.toContain(email);
    }
  });
});

describe('events the catalog does not declare', () => {
  const relayed = (type: string, payload: Record<string, unknown>): RelayedEvent => ({
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    tenantId: null,
    actorUserId: null,
    subjectUserId: randomUUID(),
    ipAddress: null,
    userAgent: null,
    payload,
  });

  it('are refused by admin, which accepts the rest of the batch', async () => {
    const [good, unknown, misshapen] = [
      relayed('user.updated', { changed: ['language'] }),
      relayed('user.teleported', {}),
      relayed('user.role_changed', { from: 'USER', to: 'ROOT' }),
    ];
    const body = JSON.stringify({ source: 'identity', events: [good, unknown, misshapen] } satisfies RelayBatch);
    const response = await fetch(new URL('/events', stack.subgraphs.admin.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [RELAY_SIGNATURE_HEADER]: relaySigner(secretKeys(secretKey)).sign(body),
      },
      body,
    });
    expect(await response.json()).toEqual({ received: 3, accepted: 1, refused: [unknown.id, misshapen.id] });
    const audited = await stack.subgraphs.admin.database
      .fork()
      .find(AuditEntry, { id: { $in: [good.id, unknown.id, misshapen.id] } });
    expect(audited.map((e) => e.id)).toEqual([good.id]);
  });

  it('stay in the outbox, parked, while the relay sends the others', async () => {
    const about = randomUUID();
    const em = stack.subgraphs.identity.database.fork();
    // Written past recordEvent's types, as a subgraph newer than admin would.
    const parked = em.create(OutboxEvent, { type: 'user.teleported', subjectUserId: about, payload: {} });
    const sent = recordEvent(em, { type: 'user.updated', subjectUserId: about, payload: { changed: ['language'] } });
    await em.flush();
    await stack.drainEvents();

    const audited = await stack.subgraphs.admin.database.fork().find(AuditEntry, { subjectUserId: about });
    expect(audited.map((e) => e.action)).toEqual(['user.updated']);
    const [parkedNow, sentNow] = await Promise.all(
      [parked.id, sent.id].map((id) => stack.subgraphs.identity.database.fork().findOneOrFail(OutboxEvent, { id })),
    );
    expect(sentNow!.publishedAt).toBeInstanceOf(Date);
    expect(parkedNow!.publishedAt).toBeNull();
    // Offered again after a long lease (15 min by default), not at every poll.
    expect(parkedNow!.claimedUntil!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
  });
});
