import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stack } from '../../gateway/src/stack.js';
import { recordEvent } from '../../lib/events/record.js';
import { insertAccountWithToken } from '../../test/support/account-fixture.js';
import { graphqlAs } from './harness.js';

/**
 * The event pipeline's sustained rate: N outbox events committed in identity in one transaction, then
 * timed (from the commit) until admin has all of them in the audit log and until a local receiver has
 * got every one as a webhook (one endpoint subscribed). Relay, ingest and webhook worker run as in
 * production: polling, no test drains.
 */
export interface EventsThroughput {
  readonly events: number;
  readonly auditSeconds: number;
  readonly webhookSeconds: number;
}

const POLL_MS = 20;
const EVENT_TYPE = 'user.activated';

/** Counts distinct webhook-ids of the run's events (a retry would repeat one). */
async function startReceiver(actorId: string) {
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { actor_id?: string } };
      if (body.data?.actor_id === actorId) seen.add(String(req.headers['webhook-id']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received: () => seen.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(done: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`events bench: ${what} did not complete in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function eventsThroughput(stack: Stack, events: number): Promise<EventsThroughput> {
  // Every event of the run names this actor: the audit count and the receiver look for it.
  const actorId = randomUUID();
  const receiver = await startReceiver(actorId);
  try {
    const admin = await insertAccountWithToken(
      { database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys },
      { role: 'SYSTEM_ADMIN' },
    );
    const created = await graphqlAs(
      `${stack.gatewayUrl}/graphql`,
      admin.token,
      'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
      { input: { url: receiver.url, events: [EVENT_TYPE], description: 'bench' } },
    );
    const endpointId = (created['createWebhookEndpoint'] as { endpoint: { id: string } }).endpoint.id;

    await stack.subgraphs.identity.database.fork().transactional(async (tx) => {
      for (let i = 0; i < events; i += 1) {
        recordEvent(tx, {
          type: EVENT_TYPE,
          actorUserId: actorId,
          subjectUserId: randomUUID(),
        });
      }
    });
    const committedAt = performance.now();
    const adminDb = stack.subgraphs.admin.database;
    const schema = String(adminDb.orm.config.get('schema'));
    let auditSeconds = 0;
    const audited = until(
      async () => {
        const [row] = await adminDb
          .fork()
          .execute<{ count: string }[]>(`select count(*) from "${schema}"."audit_entry" where actor_user_id = ?`, [
            actorId,
          ]);
        if (Number(row?.count) < events) return false;
        auditSeconds = (performance.now() - committedAt) / 1000;
        return true;
      },
      300_000,
      'the audit log',
    );
    let webhookSeconds = 0;
    const delivered = until(
      () => {
        if (receiver.received() < events) return false;
        webhookSeconds = (performance.now() - committedAt) / 1000;
        return true;
      },
      300_000,
      'webhook delivery',
    );
    await Promise.all([audited, delivered]);
    await graphqlAs(
      `${stack.gatewayUrl}/graphql`,
      admin.token,
      'mutation ($id: ID!) { disableWebhookEndpoint(id: $id) { id } }',
      {
        id: endpointId,
      },
    );
    return { events, auditSeconds, webhookSeconds };
  } finally {
    await receiver.close();
  }
}
