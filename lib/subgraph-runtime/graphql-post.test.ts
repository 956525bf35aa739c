import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationGuard } from '../graphql/operation-guard.js';
import { listen, type Listening } from '../http/listen.js';
import { graphqlPostBeside, isPlainGraphqlPost } from './graphql-post.js';

const LIMIT = 2048;

describe('isPlainGraphqlPost', () => {
  const request = (headers: Record<string, string>, method = 'POST', url = '/graphql') =>
    ({ method, url, headers: { 'content-type': 'application/json', 'content-length': '20', ...headers } }) as never;

  it('takes what the gateway sends: a JSON POST to /graphql of a declared length within the limit', () => {
    expect(isPlainGraphqlPost(request({}), LIMIT)).toBe(true);
    expect(isPlainGraphqlPost(request({ 'content-type': 'application/json; charset=utf-8' }), LIMIT)).toBe(true);
    expect(isPlainGraphqlPost(request({ 'content-type': 'Application/JSON;charset="UTF-8"' }), LIMIT)).toBe(true);
  });

  it('leaves everything else to express', () => {
    const others: IncomingMessage[] = [
      request({}, 'GET'),
      request({}, 'POST', '/graphql?x=1'),
      request({}, 'POST', '/graphql/'),
      request({ 'content-type': 'text/plain' }),
      request({ 'content-type': 'application/json; charset=utf-16' }),
      request({ 'content-type': 'application/graphql-response+json' }),
      request({ 'content-encoding': 'gzip' }),
      request({ 'transfer-encoding': 'chunked' }),
      request({ 'content-length': '0' }),
      request({ 'content-length': String(LIMIT + 1) }),
      request({ 'content-length': 'twelve' }),
    ];
    for (const other of others) expect(isPlainGraphqlPost(other, LIMIT), JSON.stringify(other)).toBe(false);
  });
});

describe('a subgraph’s POST /graphql beside express', () => {
  let fast: Listening;
  let viaExpress: Listening;
  let answered = 0;
  const logged: string[] = [];

  beforeAll(async () => {
    const apollo = new ApolloServer({
      typeDefs: 'type Query { echo(text: String): String, items: [Int!]! }',
      resolvers: { Query: { echo: (_: unknown, { text }: { text?: string }) => text ?? null, items: () => [1, 2] } },
      plugins: [operationGuard()],
    });
    await apollo.start();
    const contextOf = async () => ({});
    const app = express();
    const counted: express.RequestHandler = (_req, res, next) => {
      res.once('close', () => (answered += 1));
      next();
    };
    app.use(counted);
    app.use('/graphql', express.json({ limit: LIMIT }), expressMiddleware(apollo, { context: contextOf }));
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    fast = await listen(
      graphqlPostBeside(app, { apollo, contextOf, limitBytes: LIMIT, before: [counted], logger }),
      0,
      '127.0.0.1',
      {
        component: 'test',
        variable: 'PORT',
      },
    );
    viaExpress = await listen(app, 0, '127.0.0.1', { component: 'test', variable: 'PORT' });
  });
  afterAll(async () => {
    await fast?.close();
    await viaExpress?.close();
  });

  const post = async (server: Listening, body: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };

  it('answers as express does, byte for byte, and runs what comes before the operation', async () => {
    const before = answered;
    const bodies = [
      JSON.stringify({ query: '{ echo(text: "héllo ✓") items }' }),
      `\ufeff${JSON.stringify({ query: '{ items }' })}`,
      JSON.stringify({ query: '{ echo(text: "a\\u0000b") }' }),
      JSON.stringify({ query: '{ echo(text: $t) }' }),
      JSON.stringify({ query: 'query ($t: String) { echo(text: $t) }', variables: { t: 'x\ud800' } }),
      JSON.stringify({ query: '{ nope }' }),
    ];
    for (const body of bodies) {
      const [ours, theirs] = [await post(fast, body), await post(viaExpress, body)];
      expect(ours, body).toEqual(theirs);
    }
    expect(answered - before).toBe(2 * bodies.length);
  });

  it('keeps the status of what express refuses: a body over the limit, one that is not JSON', async () => {
    const large = JSON.stringify({ query: '{ items }', variables: { pad: 'x'.repeat(LIMIT) } });
    expect((await post(fast, large)).status).toBe(413);
    expect((await post(fast, '{"query": ')).status).toBe(400);
    expect((await post(viaExpress, '{"query": ')).status).toBe(400);
    expect((await post(fast, '"a string"')).status).toBe(400);
    expect((await post(fast, '[]')).status).toBe(400);
  });

  it('lets a client leave mid-body without an error logged, and answers the next', async () => {
    const socket = connect(fast.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"qu',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged).toEqual([]);
    expect((await post(fast, JSON.stringify({ query: '{ items }' }))).status).toBe(200);
  });

  it('passes what it does not take to express unchanged', async () => {
    const body = Buffer.from(JSON.stringify({ query: '{ items }' }), 'utf16le');
    const headers = { 'content-type': 'application/json; charset=utf-16' };
    expect(await post(fast, body, headers)).toEqual(await post(viaExpress, body, headers));
  });
});
