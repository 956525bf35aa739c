import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/env.js';
import { createSecretBox } from '../../lib/crypto/secret-box.js';
import { openSubgraphDatabase } from '../../lib/db/orm.js';
import { recordEvent, type EventRecord } from '../../lib/events/record.js';
import type { RelayedEvent } from '../../lib/events/wire.js';
import { createLogger } from '../../lib/logging/logger.js';
import { adminSubgraph, type AdminServices } from '../../subgraphs/admin/src/definition.js';
import { webhookSettings } from '../../subgraphs/admin/src/webhooks/settings.js';
import { generateWebhookSecret } from '../../subgraphs/admin/src/webhooks/signing.js';
import { WebhookDelivery, WebhookEndpoint } from '../../subgraphs/admin/src/webhooks/webhook.entities.js';
import { WebhookWorker } from '../../subgraphs/admin/src/webhooks/webhook-worker.js';
import { WEBHOOK_SECRET_PURPOSE } from '../../subgraphs/admin/src/webhooks/webhooks.js';
import { goodPassword, register, uniqueEmail } from '../identity/auth-helpers.js';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../support/stack.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';

/**
 * Signed webhooks end to end: events from identity's outbox reach admin, which delivers them to
 * real HTTP receivers per the Standard Webhooks scheme, retrying with the (shortened) schedule.
 */
const env = {
  SECRET_KEY: randomBytes(32).toString('base64url'),
  WEBHOOK_RETRY_DELAYS_MS: '50,50,50',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_DISABLE_AFTER_FAILURES: '2',
};
let stack: TestStack;
let admin: TestUser;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startTestStack(env), startWebhookReceiver()]);
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const ENDPOINT_FIELDS = 'id url events description enabled disabledReason failedDeliveriesInRow createdAt';
const DELIVERY_FIELDS =
  'id webhookId eventId eventType status attemptCount payload attempts { statusCode error durationMs attemptedAt succeeded manual }';

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failedDeliveriesInRow: number;
}
interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  payload: Record<string, unknown>;
  attempts: {
    statusCode: number | null;
    error: string | null;
    durationMs: number;
    attemptedAt: string;
    succeeded: boolean;
    manual: boolean;
  }[];
}

function ok<T>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

const codeOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.['code'];

async function createEndpoint(
  on: TestStack,
  input: { url: string; events: string[]; description?: string },
  token = admin.token,
) {
  return on.graphql<{ createWebhookEndpoint: { endpoint: Endpoint; secret: string } }>(
    `mutation ($input: CreateWebhookEndpointInput!) {
       createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } }
     }`,
    { token, variables: { input } },
  );
}

async function subscribe(events: string[], url = receiver.url) {
  return ok(await createEndpoint(stack, { url, events })).createWebhookEndpoint;
}

async function deliveries(endpointId: string, on: TestStack = stack, token = admin.token) {
  const response = await on.graphql<{ webhookDeliveries: { total: number; items: Delivery[] } }>(
    `query ($id: ID!) { webhookDeliveries(endpointId: $id, limit: 100) { total items { ${DELIVERY_FIELDS} } } }`,
    { token, variables: { id: endpointId } },
  );
  return ok(response).webhookDeliveries;
}

async function endpoint(id: string) {
  return ok(
    await stack.graphql<{ webhookEndpoint: Endpoint }>(
      `query ($id: ID!) { webhookEndpoint(id: $id) { ${ENDPOINT_FIELDS} } }`,
      {
        token: admin.token,
        variables: { id },
      },
    ),
  ).webhookEndpoint;
}

async function setEnabled(id: string, enabled: boolean) {
  const field = enabled ? 'enableWebhookEndpoint' : 'disableWebhookEndpoint';
  return ok(
    await stack.graphql(`mutation ($id: ID!) { ${field}(id: $id) { id enabled } }`, {
      token: admin.token,
      variables: { id },
    }),
  );
}

/** Records events in identity's outbox (one transaction) and hands them to admin now. */
async function emit(on: TestStack, ...events: EventRecord[]) {
  const em = on.subgraphs.identity.database.fork();
  await em.transactional(async (tx) => {
    for (const event of events) recordEvent(tx, event);
  });
  await on.drainEvents();
}

const servicesOf = (on: TestStack) => on.subgraphs.admin.services as AdminServices;

/** The Standard Webhooks signature, computed by hand with node:crypto. */
function handSignature(secret: string, received: ReceivedWebhook): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${received.webhookId}.${received.timestamp}.${received.body}`;
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

function verifyWithLibrary(secret: string, received: ReceivedWebhook) {
  return new Webhook(secret).verify(received.body, {
    'webhook-id': received.webhookId,
    'webhook-timestamp': received.timestamp,
    'webhook-signature': received.signature,
  });
}

describe('webhook endpoints', () => {
  let loginEndpoint: { endpoint: Endpoint; secret: string };
  let loginDeliveryId: string;

  it('shows the secret once, at creation, and never again', async () => {
    loginEndpoint = ok(
      await createEndpoint(stack, { url: receiver.url, events: ['user.login'], description: '  sign-ins  ' }),
    ).createWebhookEndpoint;
    expect(loginEndpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(loginEndpoint.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(loginEndpoint.endpoint).toMatchObject({
      url: receiver.url,
      events: ['user.login'],
      description: 'sign-ins',
      enabled: true,
      failedDeliveriesInRow: 0,
    });
    // No field of an endpoint carries the secret...
    const read = await stack.graphql(`query ($id: ID!) { webhookEndpoint(id: $id) { id secret } }`, {
      token: admin.token,
      variables: { id: loginEndpoint.endpoint.id },
    });
    expect(codeOf(read)).toBe('GRAPHQL_VALIDATION_FAILED');
    // ...and the database keeps it sealed.
    const row = await stack.subgraphs.admin.database
      .fork()
      .findOneOrFail(WebhookEndpoint, { id: loginEndpoint.endpoint.id }, { populate: ['secretSealed'] });
    expect(row.secretSealed).not.toContain(loginEndpoint.secret.slice(6, 20));
    const listed = ok(
      await stack.graphql<{ webhookEndpoints: Endpoint[] }>(`{ webhookEndpoints { id } }`, {
        token: admin.token,
      }),
    );
    expect(listed.webhookEndpoints.map((e) => e.id)).toContain(loginEndpoint.endpoint.id);
  });

  it('delivers a sign-in as a signed user.login webhook that verifies independently', async () => {
    const email = uniqueEmail('webhook');
    const userId = ok(await register(stack, { email, password: goodPassword })).register.user.id;
    const signIn = await fetch(`${stack.gatewayUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'webhook-test/1.0' },
      body: JSON.stringify({ email, password: goodPassword }),
    });
    expect(signIn.status).toBe(200);
    await stack.drainEvents();
    // Sign-up signs in too: two user.login events; the user.created one is not subscribed.
    const received = (
      await receiver.waitFor((r) => r.filter((w) => w.json.data['user_id'] === userId).length >= 2)
    ).filter((w) => w.json.data['user_id'] === userId);
    expect(received.map((w) => w.json.event)).toEqual(['user.login', 'user.login']);
    const latest = received.find((w) => w.json.data['user_agent'] === 'webhook-test/1.0');
    expect(latest).toBeDefined();
    const webhook = latest!;

    expect(Object.keys(webhook.json)).toEqual(['event', 'timestamp', 'data']);
    expect(webhook.json.data).toMatchObject({ user_id: userId, application_id: null, ip_address: '127.0.0.1' });
    expect(new Date(webhook.json.timestamp).toISOString()).toBe(webhook.json.timestamp);
    expect(webhook.headers['content-type']).toBe('application/json');
    expect(webhook.headers['user-agent']).toMatch(/^membergraph-webhooks\//);
    expect(webhook.webhookId).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(webhook.timestamp) - Date.now() / 1000)).toBeLessThan(60);

    expect(verifyWithLibrary(loginEndpoint.secret, webhook)).toEqual(webhook.json);
    expect(webhook.signature).toBe(handSignature(loginEndpoint.secret, webhook));
    const wrongSecret = generateWebhookSecret();
    expect(() => verifyWithLibrary(wrongSecret, webhook)).toThrow();

    // The receiver has it once the request arrived; the worker records the attempt once the answer
    // did, a moment later.
    const recorded = async () =>
      (await deliveries(loginEndpoint.endpoint.id)).items.find((d) => d.webhookId === webhook.webhookId);
    await expect.poll(async () => (await recorded())?.status, { timeout: 5_000, interval: 20 }).toBe('DELIVERED');
    const delivery = await recorded();
    expect(delivery).toMatchObject({ eventType: 'user.login', status: 'DELIVERED', attemptCount: 1 });
    expect(delivery?.payload).toEqual(webhook.json);
    expect(delivery?.attempts).toEqual([
      expect.objectContaining({ statusCode: 204, error: null, succeeded: true, manual: false }),
    ]);
    expect(delivery?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(0);
    loginDeliveryId = delivery!.id;
  });

  it('redelivers on request with the same webhook-id', async () => {
    const before = receiver.received.length;
    const redelivered = ok(
      await stack.graphql<{ redeliverWebhook: Delivery }>(
        `mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { ${DELIVERY_FIELDS} } }`,
        { token: admin.token, variables: { id: loginDeliveryId } },
      ),
    ).redeliverWebhook;
    expect(redelivered.status).toBe('PENDING');
    const [again] = (await receiver.waitFor((r) => r.length > before)).slice(before);
    expect(again?.webhookId).toBe(redelivered.webhookId);
    expect(verifyWithLibrary(loginEndpoint.secret, again!)).toBeTruthy();
    await expect
      .poll(async () => (await deliveries(loginEndpoint.endpoint.id)).items.find((d) => d.id === loginDeliveryId))
      .toMatchObject({
        status: 'DELIVERED',
        attemptCount: 2,
        attempts: [
          expect.objectContaining({ manual: false }),
          expect.objectContaining({ manual: true, succeeded: true }),
        ],
      });
    const unknown = await stack.graphql(`mutation { redeliverWebhook(deliveryId: "${randomUUID()}") { id } }`, {
      token: admin.token,
    });
    expect(codeOf(unknown)).toBe('NOT_FOUND');
  });

  it('signs with the new secret after a rotation (and with the previous one during the grace period)', async () => {
    const rotated = ok(
      await stack.graphql<{ rotateWebhookEndpointSecret: { secret: string; endpoint: { id: string } } }>(
        `mutation ($id: ID!) { rotateWebhookEndpointSecret(id: $id) { secret endpoint { id } } }`,
        { token: admin.token, variables: { id: loginEndpoint.endpoint.id } },
      ),
    ).rotateWebhookEndpointSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(loginEndpoint.secret);
    const userId = randomUUID();
    await emit(stack, { type: 'user.login', subjectUserId: userId });
    const [webhook] = (await receiver.waitFor((r) => r.some((w) => w.json.data['user_id'] === userId))).filter(
      (w) => w.json.data['user_id'] === userId,
    );
    const [current, previous] = webhook!.signature.split(' ');
    expect(current).toBe(handSignature(rotated.secret, webhook!));
    expect(previous).toBe(handSignature(loginEndpoint.secret, webhook!));
    expect(verifyWithLibrary(rotated.secret, webhook!)).toBeTruthy();
    await setEnabled(loginEndpoint.endpoint.id, false);
  });

  it('answers createWebhookEndpoint(input: {url, events, description}) with { id secret } as the issue writes it', async () => {
    const created = ok(
      await stack.graphql<{ createWebhookEndpoint: { id: string; secret: string } }>(
        `mutation ($url: String!) {
           createWebhookEndpoint(input: { url: $url, events: ["tenant.created"], description: "as issued" }) { id secret }
         }`,
        { token: admin.token, variables: { url: receiver.url } },
      ),
    ).createWebhookEndpoint;
    expect(created.secret).toMatch(/^whsec_/);
    // The id is the endpoint's: it reads, rotates and disables that endpoint.
    expect(await endpoint(created.id)).toMatchObject({ id: created.id, url: receiver.url, description: 'as issued' });
    const rotated = ok(
      await stack.graphql<{ rotateWebhookEndpointSecret: { id: string; secret: string } }>(
        'mutation ($id: ID!) { rotateWebhookEndpointSecret(id: $id) { id secret } }',
        { token: admin.token, variables: { id: created.id } },
      ),
    ).rotateWebhookEndpointSecret;
    expect(rotated.id).toBe(created.id);
    expect(rotated.secret).not.toBe(created.secret);
    await setEnabled(created.id, false);
  });
});

describe('delivery', () => {
  it('retries a receiver that fails (500, reset, timeout) with one webhook-id until it answers 2xx', async () => {
    const retrying = await startWebhookReceiver();
    try {
      const { endpoint: created } = await subscribe(['user.updated'], retrying.url);
      retrying.queue({ status: 500 }, { reset: true }, { hang: true }, { status: 200 });
      const userId = randomUUID();
      await emit(stack, { type: 'user.updated', subjectUserId: userId, payload: { changed: ['displayName'] } });
      const received = await retrying.waitFor((r) => r.length >= 4);
      expect(received.map((r) => r.answer)).toEqual([500, 'reset', 'hang', 200]);
      expect(new Set(received.map((r) => r.webhookId)).size).toBe(1);
      expect(new Set(received.map((r) => r.body)).size).toBe(1);
      expect(received[0]?.json.data).toMatchObject({ user_id: userId, changed: ['displayName'] });

      await expect
        .poll(async () => (await deliveries(created.id)).items[0]?.status, { timeout: 10_000 })
        .toBe('DELIVERED');
      const [delivery] = (await deliveries(created.id)).items;
      expect(delivery?.webhookId).toBe(received[0]?.webhookId);
      expect(delivery?.attempts.map((a) => [a.statusCode, a.succeeded])).toEqual([
        [500, false],
        [null, false],
        [null, false],
        [200, true],
      ]);
      expect(delivery?.attempts[1]?.error).toMatch(/reset|hang up/);
      expect(delivery?.attempts[2]?.error).toBe('timed out after 1000 ms');
      expect(delivery?.attempts[2]?.durationMs).toBeGreaterThanOrEqual(990);
      // Delivered: nothing more is sent.
      await servicesOf(stack).webhooks.worker.drain();
      expect(retrying.received).toHaveLength(4);
      expect(received.filter((r) => r.answer === 200)).toHaveLength(1);
      await setEnabled(created.id, false);
    } finally {
      await retrying.close();
    }
  });

  it('honours a redelivery requested while a worker is in the middle of an attempt', async () => {
    const held = await startWebhookReceiver();
    try {
      let release = () => {};
      held.queue({ status: 200, release: new Promise<void>((resolve) => (release = resolve)) });
      const { endpoint: created } = await subscribe(['user.password_changed'], held.url);
      await emit(stack, { type: 'user.password_changed', subjectUserId: randomUUID() });
      // The receiver holds the first attempt open, so the worker holds the delivery: ask again now.
      await held.waitFor((r) => r.length === 1);
      const [inFlight] = (await deliveries(created.id)).items;
      const asked = ok(
        await stack.graphql<{ redeliverWebhook: Delivery }>(
          `mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { ${DELIVERY_FIELDS} } }`,
          { token: admin.token, variables: { id: inFlight!.id } },
        ),
      ).redeliverWebhook;
      expect(asked.status).toBe('PENDING');
      release();
      // The attempt's result does not swallow the request: it is sent again, with the same webhook-id.
      const received = await held.waitFor((r) => r.length === 2);
      expect(received[1]?.webhookId).toBe(received[0]?.webhookId);
      await expect
        .poll(async () => (await deliveries(created.id)).items[0])
        .toMatchObject({
          status: 'DELIVERED',
          attemptCount: 2,
          attempts: [
            expect.objectContaining({ manual: false }),
            expect.objectContaining({ manual: true, succeeded: true }),
          ],
        });
      await servicesOf(stack).webhooks.worker.drain();
      expect(held.received).toHaveLength(2);
      await setEnabled(created.id, false);
    } finally {
      await held.close();
    }
  });

  it.each([302, 307])(
    'does not follow a %i redirect: the attempt fails and the other receiver never hears of it',
    async (status) => {
      const [redirecting, elsewhere] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
      try {
        redirecting.answerWith({ status, headers: { location: elsewhere.url } });
        const { endpoint: created } = await subscribe(['user.totp_enrolled'], redirecting.url);
        await emit(stack, { type: 'user.totp_enrolled', subjectUserId: randomUUID() });
        // Four attempts and three retry delays: more than expect.poll's default second on a busy machine.
        await expect
          .poll(async () => (await deliveries(created.id)).items[0]?.status, { timeout: 10_000 })
          .toBe('FAILED');
        const [delivery] = (await deliveries(created.id)).items;
        // The first attempt and each of the three retries.
        expect(delivery?.attempts.map((a) => [a.statusCode, a.error, a.succeeded])).toEqual(
          Array.from({ length: 4 }, () => [status, 'redirects are not followed', false]),
        );
        expect(redirecting.received).toHaveLength(4);
        expect(elsewhere.received).toEqual([]);
        await setEnabled(created.id, false);
      } finally {
        await Promise.all([redirecting.close(), elsewhere.close()]);
      }
    },
  );

  it('never delivers an event whose transaction rolled back, and delivers one accepted twice once', async () => {
    const own = await startWebhookReceiver();
    try {
      const { endpoint: created } = await subscribe(['user.updated'], own.url);
      const [rolledBack, committed, twice] = [randomUUID(), randomUUID(), randomUUID()];
      const em = stack.subgraphs.identity.database.fork();
      await expect(
        em.transactional(async (tx) => {
          recordEvent(tx, { type: 'user.updated', subjectUserId: rolledBack });
          await tx.flush();
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await emit(stack, { type: 'user.updated', subjectUserId: committed });

      const relayed: RelayedEvent = {
        id: randomUUID(),
        type: 'user.updated',
        occurredAt: new Date().toISOString(),
        tenantId: null,
        actorUserId: null,
        subjectUserId: twice,
        ipAddress: null,
        userAgent: null,
        payload: {},
      };
      const { ingest } = servicesOf(stack);
      expect(await ingest.ingest(stack.subgraphs.admin.database.fork(), 'identity', [relayed])).toBe(1);
      expect(await ingest.ingest(stack.subgraphs.admin.database.fork(), 'identity', [relayed])).toBe(0);

      await own.waitFor(() => own.about(committed).length === 1 && own.about(twice).length === 1);
      await servicesOf(stack).webhooks.worker.drain();
      expect(own.about(rolledBack)).toEqual([]);
      expect(own.about(twice)).toHaveLength(1);
      expect((await deliveries(created.id)).items.filter((d) => d.eventId === relayed.id)).toHaveLength(1);
      await setEnabled(created.id, false);
    } finally {
      await own.close();
    }
  });

  it('sends nothing to an endpoint not subscribed to the event type', async () => {
    const [logouts, updates] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
    try {
      const a = await subscribe(['user.logout'], logouts.url);
      const b = await subscribe(['user.updated', 'user.deleted'], updates.url);
      const all = await subscribe(['*'], updates.url);
      const userId = randomUUID();
      await emit(stack, { type: 'user.updated', subjectUserId: userId });
      // Once through `b` and once through `*`.
      await updates.waitFor(() => updates.about(userId).length === 2);
      await servicesOf(stack).webhooks.worker.drain();
      expect(logouts.received).toEqual([]);
      expect(new Set(updates.about(userId).map((r) => r.webhookId)).size).toBe(2);
      for (const e of [a, b, all]) await setEnabled(e.endpoint.id, false);
    } finally {
      await Promise.all([logouts.close(), updates.close()]);
    }
  });

  it('disables an endpoint that keeps failing, and records it in the audit log', async () => {
    const failing = await startWebhookReceiver();
    try {
      failing.answerWith({ status: 503 });
      const { endpoint: created } = await subscribe(['user.deleted'], failing.url);
      await emit(
        stack,
        { type: 'user.deleted', subjectUserId: randomUUID() },
        { type: 'user.deleted', subjectUserId: randomUUID() },
      );
      await expect.poll(async () => (await endpoint(created.id)).enabled, { timeout: 10_000 }).toBe(false);
      expect(await endpoint(created.id)).toMatchObject({ disabledReason: 'FAILING', failedDeliveriesInRow: 2 });
      const history = await deliveries(created.id);
      expect(history.items.map((d) => [d.status, d.attemptCount])).toEqual([
        ['FAILED', 4],
        ['FAILED', 4],
      ]);
      expect(failing.received).toHaveLength(8);

      const audit = ok(
        await stack.graphql<{
          auditLogs: { items: { action: string; actorUserId: string | null; details: Record<string, unknown> }[] };
        }>(
          `query { auditLogs(filter: { action: "webhook.endpoint_disabled" }, limit: 100) { items { action actorUserId details } } }`,
          { token: admin.token },
        ),
      ).auditLogs.items.find((e) => e.details['endpointId'] === created.id);
      expect(audit).toMatchObject({ actorUserId: null, details: { reason: 'failing', failedDeliveriesInRow: 2 } });

      // Disabled: new events create no deliveries; enabling starts afresh.
      await emit(stack, { type: 'user.deleted', subjectUserId: randomUUID() });
      expect((await deliveries(created.id)).total).toBe(2);
      await setEnabled(created.id, true);
      expect(await endpoint(created.id)).toMatchObject({
        enabled: true,
        disabledReason: null,
        failedDeliveriesInRow: 0,
      });
      await setEnabled(created.id, false);
    } finally {
      await failing.close();
    }
  });

  it('audits endpoint changes', async () => {
    const { endpoint: created } = await subscribe(['user.created']);
    ok(
      await stack.graphql(
        `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { events: ["user.created", "user.deleted"] }) { id } }`,
        {
          token: admin.token,
          variables: { id: created.id },
        },
      ),
    );
    await setEnabled(created.id, false);
    const items = ok(
      await stack.graphql<{
        auditLogs: { items: { action: string; actorUserId: string; details: Record<string, unknown> }[] };
      }>(
        `query { auditLogs(filter: { userId: "${admin.id}" }, limit: 100) { items { action actorUserId details } } }`,
        { token: admin.token },
      ),
    ).auditLogs.items.filter((e) => e.details['endpointId'] === created.id);
    expect(items.map((e) => e.action).sort()).toEqual([
      'webhook.endpoint_created',
      'webhook.endpoint_disabled',
      'webhook.endpoint_updated',
    ]);
    expect(items.find((e) => e.action === 'webhook.endpoint_updated')?.details).toMatchObject({ changed: ['events'] });
  });
});

describe('two workers', () => {
  it('never send the same delivery concurrently, and share the work', async () => {
    const slow = await startWebhookReceiver();
    const logger = createLogger(loadConfig({ LOG_LEVEL: 'silent' }), 'second-worker');
    // Two replicas' workers, each on its own connection pool to the same database. Their timeout is
    // generous: a loaded host must not turn a 150 ms answer into a timed-out attempt and a retry,
    // which would be a second send for a reason other than the one this case is about.
    const settings = {
      ...webhookSettings(loadConfig({ ...env, NODE_ENV: 'test' })),
      pollIntervalMs: 10,
      timeoutMs: 15_000,
    };
    const secrets = createSecretBox(secretKeys(env.SECRET_KEY), WEBHOOK_SECRET_PURPOSE);
    const database = await openSubgraphDatabase({
      url: stack.databaseUrl,
      schema: 'admin',
      entities: adminSubgraph.entities,
      migrations: adminSubgraph.migrations,
      poolMax: 1,
      logger,
      migrate: false,
    });
    const first = new WebhookWorker({ database: stack.subgraphs.admin.database, settings, secrets, logger });
    const second = new WebhookWorker({ database, settings, secrets, logger, batchSize: 5 });
    const stackWorker = servicesOf(stack).webhooks.worker;
    await stackWorker.stop();
    try {
      slow.answerWith({ status: 200, delayMs: 150 });
      const { endpoint: created } = await subscribe(['user.activated'], slow.url);
      first.start();
      second.start();
      // More than the first worker's batch (100), so that the second finds work while it sends.
      const users = Array.from({ length: 250 }, () => randomUUID());
      await emit(stack, ...users.map((id): EventRecord => ({ type: 'user.activated', subjectUserId: id })));
      await slow.waitFor((r) => r.length >= users.length, 30_000);
      const adminEm = () => stack.subgraphs.admin.database.fork();
      await expect
        .poll(() => adminEm().count(WebhookDelivery, { endpoint: created.id, status: 'delivered' }), {
          timeout: 10_000,
        })
        .toBe(users.length);
      expect(await adminEm().count(WebhookDelivery, { endpoint: created.id, attemptCount: { $ne: 1 } })).toBe(0);
      await Promise.all([second.drain(), first.drain()]);

      const perId = new Map<string, number>();
      for (const r of slow.received) perId.set(r.webhookId, (perId.get(r.webhookId) ?? 0) + 1);
      expect(perId.size).toBe(users.length);
      expect([...perId.values()].every((count) => count === 1)).toBe(true);
      expect(slow.maxInFlightPerId()).toBe(1);
      expect(new Set(slow.received.map((r) => r.json.data['user_id']))).toEqual(new Set(users));
      // Both took part: the second worker claimed some of the batch the first could not hold.
      expect(second.attempted).toBeGreaterThan(0);
      expect(first.attempted).toBeGreaterThan(0);
      await setEnabled(created.id, false);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
      stackWorker.start();
      await database.close();
      await slow.close();
    }
  });
});

describe('access and validation', () => {
  it('lets only system admins manage webhooks', async () => {
    const user = await stack.createUser();
    const groupAdmin = await stack.createUser({ role: 'GROUP_ADMIN' });
    for (const caller of [user, groupAdmin]) {
      expect(codeOf(await stack.graphql('{ webhookEndpoints { id } }', { token: caller.token }))).toBe('FORBIDDEN');
      expect(codeOf(await createEndpoint(stack, { url: receiver.url, events: ['user.login'] }, caller.token))).toBe(
        'FORBIDDEN',
      );
    }
    expect(codeOf(await stack.graphql('{ webhookEndpoints { id } }'))).toBe('UNAUTHENTICATED');
  });

  it.each([
    [{ url: 'ftp://hooks.example.com/x', events: ['user.login'] }, 'url'],
    [{ url: 'not a url', events: ['user.login'] }, 'url'],
    [{ url: 'https://user:pass@hooks.example.com/x', events: ['user.login'] }, 'url'],
    [{ url: 'https://hooks.example.com/x', events: [] }, 'events'],
    [{ url: 'https://hooks.example.com/x', events: ['user.login', 'user.exploded'] }, 'events'],
    [{ url: 'https://hooks.example.com/x', events: ['user.login'], description: 'x'.repeat(501) }, 'description'],
  ])('refuses %j naming the field %s', async (input, field) => {
    const response = await createEndpoint(stack, input);
    expect(codeOf(response)).toBe('VALIDATION_FAILED');
    expect(response.errors?.[0]?.extensions?.['details']).toMatchObject({ fields: [{ field }] });
    expect(response.errors?.[0]?.message).toMatch(new RegExp(`^${field} `));
  });

  it('validates updates too, and subscribes * to everything', async () => {
    const { endpoint: created } = await subscribe(['*']);
    expect(created.events).toEqual(['*']);
    const bad = await stack.graphql(
      `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { events: ["nope"] }) { id } }`,
      {
        token: admin.token,
        variables: { id: created.id },
      },
    );
    expect(codeOf(bad)).toBe('VALIDATION_FAILED');
    const missing = await stack.graphql(`{ webhookEndpoint(id: "not-an-id") { id } }`, { token: admin.token });
    expect(codeOf(missing)).toBe('NOT_FOUND');
    await setEnabled(created.id, false);
  });
});

describe('SSRF guard (WEBHOOK_ALLOW_PRIVATE_TARGETS=false)', () => {
  let guarded: TestStack;
  let guardedAdmin: TestUser;
  const guardedKey = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    guarded = await startTestStack({
      ...env,
      SECRET_KEY: guardedKey,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
      WEBHOOK_RETRY_DELAYS_MS: '20',
    });
    guardedAdmin = await guarded.createUser({ role: 'SYSTEM_ADMIN' });
  });
  afterAll(async () => {
    await guarded?.stop();
  });

  it.each([
    ['http://127.0.0.1:9/hooks', 'loopback'],
    ['http://localhost:8080/hooks', 'loopback'],
    ['http://[::ffff:127.0.0.1]:8080/hooks', 'loopback'],
    ['http://[::1]/hooks', 'loopback'],
    ['http://10.0.0.8/hooks', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://100.64.0.1/hooks', 'shared (CGNAT)'],
  ])('refuses to create an endpoint at %s (%s)', async (url, reason) => {
    const response = await createEndpoint(guarded, { url, events: ['user.login'] }, guardedAdmin.token);
    expect(codeOf(response)).toBe('VALIDATION_FAILED');
    expect(response.errors?.[0]?.extensions?.['details']).toMatchObject({ fields: [{ field: 'url' }] });
    expect(response.errors?.[0]?.message).toContain(reason);
  });

  it('accepts a public address', async () => {
    const created = ok(
      await createEndpoint(
        guarded,
        { url: 'https://93.184.215.14/hooks', events: ['tenant.created'] },
        guardedAdmin.token,
      ),
    ).createWebhookEndpoint;
    expect(created.endpoint.url).toBe('https://93.184.215.14/hooks');
  });

  it('refuses at send time a target that has turned private since it was checked (DNS rebinding)', async () => {
    const rebound = await startWebhookReceiver();
    try {
      // As if the name had resolved to a public address at creation: the row is written directly.
      const em = guarded.subgraphs.admin.database.fork();
      const row = em.create(WebhookEndpoint, {
        url: rebound.url.replace('127.0.0.1', 'localhost'),
        events: ['user.updated'],
        secretSealed: createSecretBox(secretKeys(guardedKey), WEBHOOK_SECRET_PURPOSE).seal(generateWebhookSecret()),
      });
      await em.flush();
      await emit(guarded, { type: 'user.updated', subjectUserId: randomUUID() });
      await expect
        .poll(async () => (await deliveries(row.id, guarded, guardedAdmin.token)).items[0]?.status)
        .toBe('FAILED');
      const [delivery] = (await deliveries(row.id, guarded, guardedAdmin.token)).items;
      expect(delivery?.attempts).toHaveLength(2);
      expect(delivery?.attempts.every((a) => a.statusCode === null && /refused: .*loopback/.test(a.error ?? ''))).toBe(
        true,
      );
      expect(rebound.received).toEqual([]);
    } finally {
      await rebound.close();
    }
  });

  it('refuses at send time an endpoint whose URL is a private IP literal (no lookup to guard)', async () => {
    const literal = await startWebhookReceiver();
    const em = guarded.subgraphs.admin.database.fork();
    try {
      // Written directly, as an endpoint created before the guard was on would be.
      const row = em.create(WebhookEndpoint, {
        url: literal.url,
        events: ['user.deactivated'],
        secretSealed: createSecretBox(secretKeys(guardedKey), WEBHOOK_SECRET_PURPOSE).seal(generateWebhookSecret()),
      });
      await em.flush();
      expect(new URL(row.url).hostname).toBe('127.0.0.1');
      await emit(guarded, { type: 'user.deactivated', subjectUserId: randomUUID() });
      await expect
        .poll(async () => (await deliveries(row.id, guarded, guardedAdmin.token)).items[0]?.status)
        .toBe('FAILED');
      const [delivery] = (await deliveries(row.id, guarded, guardedAdmin.token)).items;
      expect(delivery?.attempts.map((a) => [a.statusCode, a.error])).toEqual([
        [null, 'refused: 127.0.0.1 resolves to 127.0.0.1 (loopback)'],
        [null, 'refused: 127.0.0.1 resolves to 127.0.0.1 (loopback)'],
      ]);
      expect(literal.received).toEqual([]);
      await em.nativeUpdate(WebhookEndpoint, { id: row.id }, { enabled: false });
    } finally {
      await literal.close();
    }
  });
});
