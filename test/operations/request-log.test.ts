import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../lib/config/env.js';
import { uniqueEmail } from '../identity/auth-helpers.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** Issue 14 point 6: logs a person can use. */

type LogLine = Record<string, unknown>;

function capture() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { lines, destination };
}

describe('the gateway’s request log', () => {
  const log = capture();
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(
      { LOG_LEVEL: 'info', TRUSTED_PROXIES: '127.0.0.1', RATE_LIMIT_AUTH_PER_MINUTE: '1' },
      { logDestination: log.destination },
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const ask = (
    requestId: string,
    path: string,
    init: { method?: string; token?: string; body?: unknown; from?: string } = {},
  ) =>
    fetch(`${stack.gatewayUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        'x-request-id': requestId,
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.from ? { 'x-forwarded-for': init.from } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  it('writes one line per request it answers, refusals included, with what a person needs to follow it', async () => {
    const user = await stack.createUser();
    const from = `10.14.6.${1 + Math.floor(Math.random() * 250)}`;
    const login = { email: uniqueEmail('log'), password: 'not-the-password-1' };
    const cases = [
      { path: '/api/v1/users/me', token: user.token, status: 200, route: '/api/v1/users/me', principal: 'user' },
      { path: '/api/v1/users/me', status: 401, route: '/api/v1/users/me', principal: 'anonymous' },
      {
        path: '/api/v1/users/me',
        token: 'not-a-token',
        status: 401,
        route: '/api/v1/users/me',
        principal: 'anonymous',
      },
      { path: '/api/v1/admin/users', token: user.token, status: 403, route: '/api/v1/admin/users', principal: 'user' },
      {
        path: '/graphql',
        token: user.token,
        body: { query: '{ __typename }' },
        status: 200,
        route: '/graphql',
        principal: 'user',
      },
      {
        path: '/api/v1/auth/login',
        body: login,
        from,
        status: 401,
        route: '/api/v1/auth/login',
        principal: 'anonymous',
      },
      // The auth budget (1 a minute) of that address is spent: refused before any route ran.
      {
        path: '/api/v1/auth/login',
        body: login,
        from,
        status: 429,
        route: '/api/v1/auth/login',
        principal: 'anonymous',
      },
      { path: `/nope/${randomUUID()}`, status: 404, route: 'unmatched', principal: 'anonymous' },
    ].map((request) => ({ ...request, requestId: `log-${randomUUID()}` }));

    for (const { requestId, path, status, ...init } of cases) {
      expect((await ask(requestId, path, init)).status, `${path} ${requestId}`).toBe(status);
    }

    const linesOf = (requestId: string) =>
      log.lines.filter((line) => line['msg'] === 'request' && line['requestId'] === requestId);
    await vi.waitFor(() => expect(cases.every(({ requestId }) => linesOf(requestId).length > 0)).toBe(true));
    for (const { requestId, status, route, principal, body } of cases) {
      const lines = linesOf(requestId);
      expect(lines, requestId).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 30,
        method: body === undefined ? 'GET' : 'POST',
        route,
        status,
        requestId,
        principal,
        durationMs: expect.any(Number) as unknown,
      });
    }
    // Nothing of the credentials or of the raw path goes in.
    const written = JSON.stringify(log.lines.filter((line) => line['msg'] === 'request'));
    expect(written).not.toContain(user.token);
    expect(written).not.toContain('/nope/');
  });

  it('answers an unknown path outside the REST families with a JSON 404, not an HTML page', async () => {
    const response = await fetch(`${stack.gatewayUrl}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: 'not_found', message: 'No route for GET /nope', details: {} });
  });
});

describe('a port already in use', () => {
  it('stops the start with a message naming the component and the variable that sets its port', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const start = startTestStack({ MEMBER_PORT: String(port) });
      await expect(start).rejects.toBeInstanceOf(ConfigError);
      await expect(start).rejects.toThrow(
        new RegExp(`MEMBER_PORT: 127\\.0\\.0\\.1:${port} is already in use .*the member subgraph`),
      );
    } finally {
      taken.close();
    }
  });
});
