import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBareForwarder, type BareForwarder } from './bare-forwarder-process.js';

/** What the target saw of a forwarded request. */
interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The forwarders' target: answers with what it saw, or refuses the token `refused`. */
function targetServer(): Server {
  return createServer((request, response) => {
    void bodyOf(request).then((body) => {
      if (request.headers.authorization === 'Bearer refused') {
        response.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"refused":true}');
        return;
      }
      const seen: Seen = {
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        body,
      };
      response.writeHead(200, { 'content-type': 'application/json', 'x-not-relayed': 'yes' }).end(JSON.stringify(seen));
    });
  });
}

/** A target and a forwarder in front of it, for one describe block. */
function forwarderFixture(rateLimit?: { readonly redisUrl: string; readonly perMinute: number }) {
  const fixture = { target: targetServer(), forwarder: undefined as BareForwarder | undefined, workDir: '' };
  beforeAll(async () => {
    await new Promise<void>((listening) => fixture.target.listen(0, '127.0.0.1', listening));
    fixture.workDir = await mkdtemp(join(tmpdir(), 'bare-forwarder-'));
    fixture.forwarder = await startBareForwarder({
      target: `http://127.0.0.1:${(fixture.target.address() as AddressInfo).port}/graphql`,
      ...(rateLimit ? { rateLimit } : {}),
      benchRoot: resolve(import.meta.dirname, '../..'),
      workDir: fixture.workDir,
      runtime: { execPath: process.execPath, version: process.version, source: 'test' },
    });
  }, 60_000);
  afterAll(async () => {
    await fixture.forwarder?.child.stop();
    await new Promise((closed) => fixture.target.close(closed));
    await rm(fixture.workDir, { recursive: true, force: true });
  });
  return fixture;
}

const post = (forwarder: BareForwarder | undefined, authorization: string, body: string) =>
  fetch(forwarder!.url, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json', connection: 'keep-alive' },
    body,
  });

describe("goal 3's bare forwarder", () => {
  const fixture = forwarderFixture();

  it("passes the body and authorization on to the target's URL, and the answer back", async () => {
    const response = await post(fixture.forwarder, 'Bearer abc', '{"query":"{ me { id } }"}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    // Only what a GraphQL client reads is relayed: status, content type, body.
    expect(response.headers.get('x-not-relayed')).toBeNull();
    expect(await response.json()).toEqual({
      method: 'POST',
      url: '/graphql',
      authorization: 'Bearer abc',
      body: '{"query":"{ me { id } }"}',
    });
  });

  it("relays the target's refusal as it was", async () => {
    const response = await post(fixture.forwarder, 'Bearer refused', '{}');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.text()).toBe('{"refused":true}');
  });
});

const redisUrl = process.env['TEST_REDIS_URL'];

describe.skipIf(!redisUrl)("goal 3's bare forwarder with the shared rate limit (needs TEST_REDIS_URL)", () => {
  const fixture = forwarderFixture({ redisUrl: redisUrl!, perMinute: 2 });

  it("forwards while the caller has budget, then refuses it with 429; another caller's budget is its own", async () => {
    const query = '{"query":"{ me { id } }"}';
    expect((await post(fixture.forwarder, 'Bearer spender', query)).status).toBe(200);
    expect((await post(fixture.forwarder, 'Bearer spender', query)).status).toBe(200);
    const refused = await post(fixture.forwarder, 'Bearer spender', query);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe('rate limited');
    expect((await post(fixture.forwarder, 'Bearer another', query)).status).toBe(200);
  });
});
