import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlBodyLimitBytes } from '../../lib/subgraph-runtime/subgraph-server.js';
import { legacyRoutes } from '../../gateway/src/rest/routes.js';
import { createClient, type ClientKeys } from '../rest/internal-client.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import {
  graphqlProbes,
  logoutProbes,
  mediaProbes,
  pageProbes,
  tokenEndpointProbes,
  tokenStatusProbes,
  userInfoProbes,
} from './fuzz-entry-points.js';
import {
  FUZZ_UUID,
  isErrorShape,
  probesFor,
  type OpenApiDocument,
  type OpenApiOperation,
  type Probe,
  type ProbeFixtures,
} from './fuzz-probes.js';

/**
 * Security finding 5: client mistakes answered 500. Every operation of the route table (the OpenAPI
 * document the gateway serves), POST /graphql, POST /oauth/token and the /oauth/authorize pages get
 * a deterministic set of malformed inputs, with valid credentials for their scheme. Each must be
 * answered below 500, in the dialect of its path, and must change nothing in the database. The stack
 * runs in production mode, as deployed (introspection refused, no development fallbacks).
 */
const PICTURE_MAX_BYTES = 256 * 1024;
const CONCURRENCY = 6;
const REDIRECT_URI = 'https://app.example.com/callback';

let stack: TestStack;
let admin: TestUser;
let member: TestUser;
let keys: ClientKeys;
let application: { id: string; clientId: string };
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  stack = await startTestStack({
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://id.example.com',
    PROFILE_PICTURE_MAX_BYTES: String(PICTURE_MAX_BYTES),
  });
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  member = await stack.createUser();
  keys = await createClient(stack, admin, ['catalog:read', 'users:read', 'users:write']);
  const created = await send({
    label: 'fixture',
    method: 'POST',
    path: '/api/v1/applications',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ app_name: 'Fuzzed', redirect_uris: [REDIRECT_URI] }),
    dialect: 'oauth',
    expect: 'odd',
  });
  expect(created.status).toBe(201);
  const body = JSON.parse(created.text) as { id: string; client_id: string };
  application = { id: body.id, clientId: body.client_id };
});
afterAll(async () => {
  agent.destroy();
  await stack?.stop();
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** A raw HTTP request: paths, headers and bodies go out exactly as the probe has them. */
function send(probe: Probe): Promise<Answer> {
  const url = new URL(stack.gatewayUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: probe.method,
        path: probe.path,
        headers: {
          ...probe.headers,
          ...(probe.body !== undefined ? { 'content-length': String(Buffer.byteLength(probe.body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(probe.body);
  });
}

/** What is wrong with the answer to a probe; undefined when it is what it should be. */
function problemWith(probe: Probe, answer: Answer): string | undefined {
  const said = `${answer.status} ${answer.text.slice(0, 160)}`;
  if (answer.status >= 500) return `${probe.label} → ${said}`;
  if (probe.expect === 'refused' && answer.status < 400) return `${probe.label} → accepted: ${said}`;
  if (probe.dialect === 'page') {
    // A request the page cannot show may go back to the application with its error (RFC 6749 §4.1.2.1).
    if (answer.status >= 300 && answer.status < 400 && probe.expect === 'odd') return undefined;
    return answer.contentType.startsWith('text/html') ? undefined : `${probe.label} → not a page: ${said}`;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${probe.label} → not JSON: ${said}`;
  }
  if (answer.status >= 400 && !isErrorShape(probe.dialect, body)) return `${probe.label} → not its dialect: ${said}`;
  return undefined;
}

/** Sends every probe, a few at a time, and lists the answers that are wrong. */
async function run(probes: readonly Probe[]): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < probes.length; i = next++) {
      const probe = probes[i]!;
      const problem = problemWith(probe, await send(probe));
      if (problem) problems.push(problem);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return problems;
}

/**
 * The whole database in one statement: per table of the four subgraph schemas, its row count and a
 * digest of every row. Any insert, update or delete anywhere changes it.
 */
async function fingerprint(): Promise<Record<string, string>> {
  // Events already written (by the fixtures) reach admin now, not in the middle of the fuzzing.
  await stack.drainEvents();
  const connection = stack.subgraphs.identity.database.fork().getConnection();
  const tables = await connection.execute<{ name: string }[]>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
     where table_schema in ('identity', 'member', 'catalog', 'admin') and table_type = 'BASE TABLE' order by 1`,
  );
  const digests = await connection.execute<{ name: string; digest: string }[]>(
    tables
      .map(
        ({ name }) =>
          `select '${name.replace(/'/g, "''")}' as name, count(*) || ':' || ` +
          `coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') as digest from ${name} t`,
      )
      .join(' union all '),
  );
  return Object.fromEntries(digests.map((row) => [row.name, row.digest]));
}

/** The tables whose rows differ between two fingerprints. */
function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]);
}

const fixtures = (): ProbeFixtures => ({
  credentials(path, operation: OpenApiOperation): Readonly<Record<string, string>> {
    const schemes = operation.security.flatMap((requirement) => Object.keys(requirement));
    if (schemes.includes('clientKey')) return keys;
    if (!schemes.includes('bearerAuth')) return {};
    // seed 003 is the member's own API; everything else is tried as a system administrator.
    return { authorization: `Bearer ${path.startsWith('/api/v1/members') ? member.token : admin.token}` };
  },
  pathValue(name, schema) {
    if (name === 'app_id') return application.id;
    if (name === 'user_id') return member.id;
    if (name === 'user_sub') return member.id;
    return schema.format === 'uuid' ? FUZZ_UUID : 'fuzz';
  },
});

/** Requests sent per entry point, for the record. */
const sent = new Map<string, number>();

async function expectRefusedWithoutChange(group: string, probes: readonly Probe[]): Promise<void> {
  sent.set(group, probes.length);
  const before = await fingerprint();
  const problems = await run(probes);
  expect(problems).toEqual([]);
  expect(changedTables(before, await fingerprint())).toEqual([]);
}

describe('malformed requests (security finding 5)', () => {
  it('refuses them on every REST route with a 4xx in its dialect, and changes nothing', async () => {
    const response = await fetch(`${stack.gatewayUrl}/openapi.json`);
    const document = (await response.json()) as OpenApiDocument;
    // /oauth/token and /oauth/authorize are documented too, but fuzzed by their own probes below.
    const operations = Object.entries(document.paths)
      .filter(([path]) => !path.startsWith('/oauth/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
      );
    // The document is the route table: a route missing from it would escape the fuzzing.
    expect(operations).toHaveLength(legacyRoutes.length);
    const problems: string[] = [];
    for (const { path, method, operation } of operations) {
      const probes = probesFor(path, method, operation, fixtures());
      sent.set('REST routes', (sent.get('REST routes') ?? 0) + probes.length);
      const before = await fingerprint();
      problems.push(...(await run(probes)));
      const changed = changedTables(before, await fingerprint());
      if (changed.length > 0) problems.push(`${method.toUpperCase()} ${path} changed ${changed.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('refuses them on POST /graphql with a GraphQL error and a 4xx, and changes nothing', async () => {
    await expectRefusedWithoutChange(
      'POST /graphql',
      graphqlProbes({
        adminToken: admin.token,
        userToken: member.token,
        bodyLimit: graphqlBodyLimitBytes(PICTURE_MAX_BYTES),
      }),
    );
  });

  it('refuses them on the token endpoint with RFC 6749 errors, and changes nothing', async () => {
    await expectRefusedWithoutChange('POST /oauth/token', tokenEndpointProbes());
  });

  it('refuses them at revocation, introspection and userinfo with RFC 6749/6750 errors, and changes nothing', async () => {
    await expectRefusedWithoutChange('POST /oauth/revoke', tokenStatusProbes('/oauth/revoke'));
    await expectRefusedWithoutChange('POST /oauth/introspect', tokenStatusProbes('/oauth/introspect'));
    await expectRefusedWithoutChange('/oauth/userinfo', userInfoProbes());
  });

  it('answers them at the end-session endpoint with a page below 500, and changes nothing', async () => {
    await expectRefusedWithoutChange('/oauth/logout', logoutProbes());
  });

  it('answers them on the authorization pages with a page below 500, and changes nothing', async () => {
    await expectRefusedWithoutChange(
      '/oauth/authorize',
      pageProbes({ clientId: application.clientId, redirectUri: REDIRECT_URI }),
    );
  });

  it('refuses them on the public picture URLs in seed 004’s dialect', async () => {
    await expectRefusedWithoutChange('/media/profile-pictures', mediaProbes());
  });

  afterAll(() => {
    // The size of the net, for the record (vitest prints it with the file's output).
    const total = [...sent.values()].reduce((sum, n) => sum + n, 0);
    console.info(`route fuzzing sent ${total} malformed requests:`, Object.fromEntries(sent));
  });
});
