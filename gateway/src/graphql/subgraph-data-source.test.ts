import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anonymous } from '../../../lib/auth/principal.js';
import { CLIENT_IP_HEADER, UI_LOCALES_HEADER } from '../../../lib/http/origin.js';
import { createLogger } from '../../../lib/logging/logger.js';
import type { GatewayContext } from '../context.js';
import { SubgraphDataSource } from './subgraph-data-source.js';
import { httpTransport, type SubgraphTransport } from './subgraph-transport.js';

/**
 * The data source against a real HTTP listener that answers as the test says: how a subgraph (or
 * whatever stands at its address) may answer, and what the query plan's fetch then gets.
 */
interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}
type Answer = (received: Received) => { status: number; type?: string; body: string };

let server: Server;
let url: string;
let answer: Answer;
const received: Received[] = [];
const transports: SubgraphTransport[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never };
      received.push(request);
      const { status, type, body } = answer(request);
      res.writeHead(status, type ? { 'content-type': type } : {}).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterEach(() => {
  received.length = 0;
});
afterAll(async () => {
  await Promise.all(transports.map((transport) => transport.close()));
  await new Promise((resolve) => server.close(resolve));
});

function source(apq: boolean): SubgraphDataSource {
  const transport = httpTransport(url, { connections: 4 });
  transports.push(transport);
  return new SubgraphDataSource(transport, { url, apq });
}

const query = '{ me { id } }';
const context: GatewayContext = {
  principal: anonymous,
  requestId: 'req-123',
  authorization: 'Bearer abc.def.ghi',
  origin: { ipAddress: '203.0.113.9', userAgent: 'legacy-client/1.0', acceptLanguage: 'zh-TW', uiLocales: 'en' },
  logger: createLogger({ logLevel: 'silent' }, 'test'),
};

function fetchOf(operation = query): GraphQLDataSourceProcessOptions<GatewayContext> {
  const fetch = {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION, which the package does not export.
    kind: 'incoming operation',
    request: { query: operation, variables: { a: 1 }, operationName: 'Q' },
    context,
    incomingRequestContext: {},
    pathInIncomingRequest: undefined,
  };
  return fetch as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
}

const hashOf = ({ body }: Pick<Received, 'body'>) =>
  (body['extensions'] as { persistedQuery: { sha256Hash: string } }).persistedQuery.sha256Hash;
const json = (body: unknown) => ({ status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(body) });
const notFound = json({
  errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
});

describe('a subgraph fetch over HTTP', () => {
  it("forwards the caller's credential, request id, address, agent and languages", async () => {
    answer = () => json({ data: { me: { id: 'u1' } } });
    expect(await source(false).process(fetchOf())).toEqual({ data: { me: { id: 'u1' } } });
    const [{ headers, body }] = received as [Received];
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer abc.def.ghi',
      'x-request-id': 'req-123',
      'user-agent': 'legacy-client/1.0',
      'accept-language': 'zh-TW',
    });
    expect(headers[CLIENT_IP_HEADER]).toBe('203.0.113.9');
    expect(headers[UI_LOCALES_HEADER]).toBe('en');
    expect(body).toEqual({ query, variables: { a: 1 }, operationName: 'Q' });
  });

  it('sends the hash first, the document once when the subgraph does not know it, then the hash alone', async () => {
    const known = new Set<string>();
    answer = ({ body }) => {
      const hash = hashOf({ body });
      if (typeof body['query'] === 'string') known.add(hash);
      return known.has(hash) ? json({ data: { me: { id: 'u1' } } }) : notFound;
    };
    const apq = source(true);
    expect(await apq.process(fetchOf())).toEqual({ data: { me: { id: 'u1' } } });
    expect(await apq.process(fetchOf())).toEqual({ data: { me: { id: 'u1' } } });
    expect(received.map(({ body }) => typeof body['query'])).toEqual(['undefined', 'string', 'undefined']);
    // The sha256 of the document, which Apollo Server checks against the document it is sent.
    expect(received.map(hashOf)).toEqual(Array(3).fill(createHash('sha256').update(query).digest('hex')));
  });

  it('hashes each document by its own text, not a neighbour', async () => {
    answer = () => json({ data: {} });
    const apq = source(true);
    const other = '{ me { email } }';
    // Larger than the documents whose hashes are kept: hashed again each time, as right.
    const large = `{ me { id } search(text: "${'x'.repeat(20_000)}") { id } }`;
    for (const document of [query, other, query, large, large]) await apq.process(fetchOf(document));
    expect(received.map(hashOf)).toEqual(
      [query, other, query, large, large].map((document) => createHash('sha256').update(document).digest('hex')),
    );
  });

  it('words an answer that is not 2xx as the stock data source does', async () => {
    answer = () => ({ status: 503, type: 'text/plain', body: 'down for maintenance' });
    await expect(source(false).process(fetchOf())).rejects.toMatchObject({
      message: '503: Service Unavailable',
      extensions: { response: { url, status: 503, statusText: 'Service Unavailable', body: 'down for maintenance' } },
    });
    answer = () => ({ ...json({ errors: [{ message: 'no token' }] }), status: 401 });
    await expect(source(false).process(fetchOf())).rejects.toMatchObject({
      message: '401: Unauthorized',
      extensions: { code: 'UNAUTHENTICATED', response: { body: { errors: [{ message: 'no token' }] } } },
    });
    answer = () => ({ ...json({}), status: 403 });
    await expect(source(false).process(fetchOf())).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('refuses an answer that is not a JSON object', async () => {
    answer = () => ({ status: 200, type: 'text/html', body: '<html>proxy error</html>' });
    await expect(source(false).process(fetchOf())).rejects.toThrow(
      'Expected JSON response body, but received: <html>proxy error</html>',
    );
    answer = () => ({ status: 200, type: 'application/json', body: '{"data":' });
    await expect(source(false).process(fetchOf())).rejects.toThrow(SyntaxError);
  });

  it('fails the fetch, not the process, when nothing listens', async () => {
    const transport = httpTransport('http://127.0.0.1:9/graphql', { connections: 1 });
    transports.push(transport);
    const unreachable = new SubgraphDataSource(transport, { url: 'http://127.0.0.1:9/graphql', apq: true });
    await expect(unreachable.process(fetchOf())).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it('reads a large answer that arrives in many chunks', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ id: `grant-${i}`, note: 'é'.repeat(8) }));
    answer = () => json({ data: { items } });
    expect(await source(false).process(fetchOf())).toEqual({ data: { items } });
  });
});
