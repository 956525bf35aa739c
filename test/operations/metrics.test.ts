import { spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ViewerDocument } from '../../gateway/src/generated/graphql.js';
import type { AdminServices } from '../../subgraphs/admin/src/definition.js';
import { goodPassword, uniqueEmail } from '../identity/auth-helpers.js';
import { insertAccountWithToken } from '../support/account-fixture.js';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from '../support/database.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Issue 14 point 4: every process serves Prometheus metrics. In `npm start` the gateway serves one
 * registry for itself and the four subgraphs (each labelled by `service`); a lone subgraph serves its
 * own; METRICS_PORT moves /metrics off the API port.
 */

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of one metric in Prometheus' text format. */
function samples(text: string, name: string): Sample[] {
  const line = new RegExp(`^${name}(?:\\{(.*)\\})? (\\S+)$`, 'gm');
  return [...text.matchAll(line)].map((match) => ({
    labels: Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair): [string, string] => [
        pair[1] ?? '',
        pair[2] ?? '',
      ]),
    ),
    value: Number(match[2]),
  }));
}

/** Whether some sample of `name` has at least these labels (and, if given, a value it accepts). */
function sampleOf(text: string, name: string, labels: Record<string, string>, value = (v: number) => v >= 1) {
  return samples(text, name).find(
    (sample) => Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted) && value(sample.value),
  );
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

const freshAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('metrics of the all-in-one process, served by the gateway', () => {
  let stack: TestStack;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    [stack, receiver] = await Promise.all([
      startTestStack({
        TRUSTED_PROXIES: '127.0.0.1',
        RATE_LIMIT_AUTH_PER_MINUTE: '3',
        WEBHOOK_RETRY_DELAYS_MS: '1',
        WEBHOOK_POLL_INTERVAL_MS: '50',
        WEBHOOK_TIMEOUT_MS: '2000',
      }),
      startWebhookReceiver(),
    ]);
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  const scrapeGateway = () => scrape(`${stack.gatewayUrl}/metrics`);
  const get = (path: string, token?: string) =>
    fetch(`${stack.gatewayUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const restLogin = (email: string, password: string, from = freshAddress()) =>
    fetch(`${stack.gatewayUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ email, password }),
    });
  const graphqlLogin = (email: string, password: string) =>
    stack.graphql('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      variables: { input: { email, password } },
      headers: { 'x-forwarded-for': freshAddress() },
    });

  it('times HTTP requests by route template and status, never by raw path', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const someone = await stack.createUser();
    const unknownPath = `/nope-${randomUUID()}`;
    expect((await get(`/api/v1/admin/users/${someone.id}`, admin.token)).status).toBe(200);
    expect((await get('/api/v1/users/me')).status).toBe(401);
    expect((await get(unknownPath)).status).toBe(404);

    const text = await scrapeGateway();
    const http = 'membergraph_http_request_duration_seconds_count';
    expect(
      sampleOf(text, http, { service: 'gateway', method: 'GET', route: '/api/v1/admin/users/:user_id', status: '200' }),
    ).toBeDefined();
    expect(
      sampleOf(text, http, { service: 'gateway', method: 'GET', route: '/api/v1/users/me', status: '401' }),
    ).toBeDefined();
    expect(
      sampleOf(text, http, { service: 'gateway', method: 'GET', route: 'unmatched', status: '404' }),
    ).toBeDefined();
    // The subgraphs record in the same registry under their own names. In this process the gateway
    // calls them as functions: they count the operations, and no HTTP request to their /graphql.
    expect(
      sampleOf(text, 'membergraph_graphql_operation_duration_seconds_count', { service: 'identity' }),
    ).toBeDefined();
    expect(sampleOf(text, http, { service: 'identity', route: '/graphql' }, () => true)).toBeUndefined();
    expect(text).not.toContain(someone.id);
    expect(text).not.toContain(unknownPath);
    expect(samples(text, 'membergraph_http_request_duration_seconds_bucket').length).toBeGreaterThan(0);
  });

  it('times GraphQL operations by name only when the name is one of ours, and counts errors by code', async () => {
    const user = await stack.createUser();
    const madeUp = `Probe${randomUUID().replace(/-/g, '')}`;
    expect((await stack.graphql(print(ViewerDocument), { token: user.token })).errors).toBeUndefined();
    await stack.graphql(`query ${madeUp} { __typename }`);
    await stack.graphql(`query ${madeUp}Broken { nothingHere }`);
    await restLogin(uniqueEmail('metrics-nobody'), 'not-the-password-1');

    const text = await scrapeGateway();
    const duration = 'membergraph_graphql_operation_duration_seconds_count';
    expect(
      sampleOf(text, duration, { service: 'gateway', operation: 'Viewer', operation_type: 'query' }),
    ).toBeDefined();
    expect(sampleOf(text, duration, { service: 'gateway', operation: 'other', operation_type: 'query' })).toBeDefined();
    // Each subgraph sees the gateway's query-plan names (Viewer__member__1...): the operation they serve.
    for (const service of ['identity', 'member', 'catalog', 'admin'])
      expect(sampleOf(text, duration, { service, operation: 'Viewer' }), service).toBeDefined();
    expect(text).not.toContain(madeUp);

    const errors = 'membergraph_graphql_operation_errors_total';
    expect(
      sampleOf(text, errors, { service: 'gateway', operation: 'other', code: 'GRAPHQL_VALIDATION_FAILED' }),
    ).toBeDefined();
    // The REST layer's sign-in runs one of the gateway's own documents (rest/auth/sign-in.graphql): it keeps its name.
    expect(
      sampleOf(text, errors, { service: 'gateway', operation: 'OAuthLogin', code: 'INVALID_CREDENTIALS' }),
    ).toBeDefined();
  });

  it("times the gateway's fetches from each subgraph", async () => {
    const user = await stack.createUser();
    await stack.graphql(print(ViewerDocument), { token: user.token });
    const text = await scrapeGateway();
    for (const subgraph of ['identity', 'member', 'catalog', 'admin'])
      expect(
        sampleOf(text, 'membergraph_subgraph_fetch_duration_seconds_count', {
          service: 'gateway',
          subgraph,
          outcome: 'ok',
        }),
        subgraph,
      ).toBeDefined();
  });

  it('counts rate-limit refusals by class', async () => {
    const from = freshAddress();
    const answers = [];
    for (let i = 0; i < 4; i += 1)
      answers.push((await restLogin(uniqueEmail('metrics-rl'), 'not-the-password-1', from)).status);
    expect(answers.at(-1)).toBe(429);
    const text = await scrapeGateway();
    expect(
      sampleOf(text, 'membergraph_rate_limit_refusals_total', { service: 'gateway', class: 'auth' }),
    ).toBeDefined();
  });

  it('counts sign-ins by outcome: success, failure, throttled, mfa_required', async () => {
    const identity = { database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys };
    const person = await insertAccountWithToken(identity, { email: uniqueEmail('metrics-in'), password: goodPassword });
    expect((await graphqlLogin(person.email, goodPassword)).errors).toBeUndefined();
    // Five wrong passwords start the account's throttle; the sixth attempt meets it.
    for (let i = 0; i < 5; i += 1) await graphqlLogin(person.email, 'not-the-password-1');
    expect((await graphqlLogin(person.email, goodPassword)).errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');

    const enrolled = await insertAccountWithToken(identity, {
      email: uniqueEmail('metrics-mfa'),
      password: goodPassword,
    });
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token: enrolled.token },
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const confirmed = await stack.graphql(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
      {
        token: enrolled.token,
        variables: { c: await generate({ secret }) },
      },
    );
    expect(confirmed.errors).toBeUndefined();
    expect((await graphqlLogin(enrolled.email, goodPassword)).errors?.[0]?.extensions?.['code']).toBe('MFA_REQUIRED');

    const text = await scrapeGateway();
    const signIns = (outcome: string, value: (v: number) => boolean) =>
      sampleOf(text, 'membergraph_sign_ins_total', { service: 'identity', outcome }, value);
    expect(signIns('success', (v) => v >= 1)).toBeDefined();
    expect(signIns('failure', (v) => v >= 5)).toBeDefined();
    expect(signIns('throttled', (v) => v >= 1)).toBeDefined();
    expect(signIns('mfa_required', (v) => v >= 1)).toBeDefined();
  });

  it('counts webhook deliveries by outcome', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const created = await stack.graphql(
      'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }',
      { token: admin.token, variables: { input: { url: receiver.url, events: ['user.created'] } } },
    );
    expect(created.errors).toBeUndefined();
    // The first attempt is refused, the retry (due 1 ms later) accepted.
    receiver.queue({ status: 500 });
    await stack.createUser();
    await stack.drainEvents();
    const worker = (stack.subgraphs.admin.services as AdminServices).webhooks.worker;
    await vi.waitFor(
      async () => {
        await worker.drain();
        expect(receiver.received.some((webhook) => webhook.answer === 204)).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    const text = await scrapeGateway();
    const deliveries = 'membergraph_webhook_deliveries_total';
    expect(sampleOf(text, deliveries, { service: 'admin', outcome: 'retrying' })).toBeDefined();
    expect(sampleOf(text, deliveries, { service: 'admin', outcome: 'delivered' })).toBeDefined();
  });

  it('reports each subgraph’s database pool, and the outbox backlog with the age of its oldest event', async () => {
    // An event committed an hour ago and leased by a relay that died: undelivered, and not taken now.
    await stack.subgraphs.identity.database.fork().execute(
      `insert into "identity"."outbox_event" (id, type, occurred_at, payload, claimed_until)
         values (?, 'user.updated', now() - interval '1 hour', '{}', now() + interval '1 hour')`,
      [randomUUID()],
    );
    const text = await scrapeGateway();
    for (const service of ['identity', 'member', 'catalog', 'admin']) {
      const any = (v: number) => v >= 0;
      expect(sampleOf(text, 'membergraph_db_pool_connections_in_use', { service }, any), service).toBeDefined();
      expect(sampleOf(text, 'membergraph_db_pool_acquires_waiting', { service }, any), service).toBeDefined();
      expect(sampleOf(text, 'membergraph_db_pool_connections_max', { service }), service).toBeDefined();
    }
    expect(sampleOf(text, 'membergraph_outbox_backlog_events', { service: 'identity' })).toBeDefined();
    expect(
      sampleOf(text, 'membergraph_outbox_oldest_undelivered_age_seconds', { service: 'identity' }, (v) => v >= 3600),
    ).toBeDefined();
    for (const service of ['member', 'catalog'])
      expect(
        sampleOf(text, 'membergraph_outbox_backlog_events', { service }, (v) => v >= 0),
        service,
      ).toBeDefined();
    // Admin keeps no outbox.
    expect(sampleOf(text, 'membergraph_outbox_backlog_events', { service: 'admin' }, () => true)).toBeUndefined();
    // Node's own metrics, once for the whole process.
    expect(samples(text, 'process_cpu_seconds_total')).toHaveLength(1);
    expect(samples(text, 'nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
  });
});

describe('METRICS_PORT', () => {
  it('moves /metrics of the all-in-one process off the API port to a listener of its own', async () => {
    const stack = await startTestStack({ METRICS_PORT: '0' });
    try {
      expect(stack.metrics).toBeDefined();
      await fetch(`${stack.gatewayUrl}/health`);
      const onApi = await fetch(`${stack.gatewayUrl}/metrics`);
      expect(onApi.status).toBe(404);
      expect(onApi.headers.get('content-type')).toMatch(/application\/json/);
      const text = await scrape(`http://127.0.0.1:${stack.metrics!.port}/metrics`);
      expect(
        sampleOf(text, 'membergraph_http_request_duration_seconds_count', { service: 'gateway', route: '/health' }),
      ).toBeDefined();
      expect(sampleOf(text, 'membergraph_db_pool_connections_max', { service: 'identity' })).toBeDefined();
    } finally {
      await stack.stop();
    }
  });
});

describe('a subgraph started alone', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'membergraph-metrics-alone-'));
    database = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves its own metrics, on METRICS_PORT when that is set', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn('node', ['--import', '@swc-node/register/esm-register', 'subgraphs/catalog/src/main.ts'], {
      env: {
        ...process.env,
        LOG_LEVEL: 'error',
        DATA_DIR: dataDir,
        CATALOG_PORT: String(port),
        METRICS_PORT: String(metricsPort),
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      await vi.waitFor(async () => expect((await fetch(`${base}/ready`)).status, stderr).toBe(200), {
        timeout: 45_000,
        interval: 250,
      });
      await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      const text = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(
        sampleOf(text, 'membergraph_http_request_duration_seconds_count', {
          service: 'catalog',
          method: 'POST',
          route: '/graphql',
          status: '200',
        }),
      ).toBeDefined();
      expect(
        sampleOf(text, 'membergraph_graphql_operation_duration_seconds_count', {
          service: 'catalog',
          operation: 'other',
        }),
      ).toBeDefined();
      expect(sampleOf(text, 'membergraph_db_pool_connections_max', { service: 'catalog' })).toBeDefined();
      expect(sampleOf(text, 'membergraph_outbox_backlog_events', { service: 'catalog' }, (v) => v >= 0)).toBeDefined();
    } finally {
      child.kill('SIGTERM');
    }
    await once(child, 'exit');
  }, 90_000);
});
