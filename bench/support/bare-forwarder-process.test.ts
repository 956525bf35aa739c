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

describe("goal 3's bare forwarder", () => {
  let target: Server;
  let forwarder: BareForwarder;
  let workDir: string;

  beforeAll(async () => {
    target = createServer((request, response) => {
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
        response
          .writeHead(200, { 'content-type': 'application/json', 'x-not-relayed': 'yes' })
          .end(JSON.stringify(seen));
      });
    });
    await new Promise<void>((listening) => target.listen(0, '127.0.0.1', listening));
    workDir = await mkdtemp(join(tmpdir(), 'bare-forwarder-'));
    forwarder = await startBareForwarder({
      target: `http://127.0.0.1:${(target.address() as AddressInfo).port}/graphql`,
      benchRoot: resolve(import.meta.dirname, '../..'),
      workDir,
      runtime: { execPath: process.execPath, version: process.version, source: 'test' },
    });
  }, 60_000);

  afterAll(async () => {
    await forwarder?.child.stop();
    await new Promise((closed) => target?.close(closed));
    await rm(workDir, { recursive: true, force: true });
  });

  it("passes the body and authorization on to the target's URL, and the answer back", async () => {
    const response = await fetch(forwarder.url, {
      method: 'POST',
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json', connection: 'keep-alive' },
      body: '{"query":"{ me { id } }"}',
    });
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
    const response = await fetch(forwarder.url, {
      method: 'POST',
      headers: { authorization: 'Bearer refused', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.text()).toBe('{"refused":true}');
  });
});
