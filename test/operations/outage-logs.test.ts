import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PollingRevocations } from '../../lib/auth/revocation.js';
import { createLogger } from '../../lib/logging/logger.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Issue 14 point 6: periodic work whose dependency is away (a feed polled every 2 s, health checks
 * every few seconds) logs one warning with a count when the outage starts and one line when it ends,
 * not a stack trace at every attempt.
 */

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

const WARN = 40;

describe("the revocation feed a lone gateway or subgraph follows, while identity's is away", () => {
  it('warns once, with no stack trace, and says how many polls failed once it answers again', async () => {
    let up = false;
    let asked = 0;
    const feed = createServer((_req, res) => {
      asked += 1;
      if (up) res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      else res.writeHead(503).end();
    }).listen(0, '127.0.0.1');
    await once(feed, 'listening');
    const { lines, destination } = capture();
    const logger = createLogger({ logLevel: 'info' }, 'feed-test', destination);
    const url = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/sessions/revocations`;
    const revocations = new PollingRevocations(url, logger, 10);
    try {
      await vi.waitFor(() => expect(asked).toBeGreaterThanOrEqual(6), { timeout: 5_000 });
      up = true;
      const recovered = () => lines.find((line) => line['msg'] === 'revocation feed available again');
      await vi.waitFor(() => expect(recovered()).toBeDefined(), { timeout: 5_000 });
      expect(lines.filter((line) => line['level'] === WARN)).toEqual([
        expect.objectContaining({
          msg: 'revocation feed unavailable',
          failures: 1,
          error: 'revocation feed answered 503',
        }),
      ]);
      expect(recovered()?.['failures']).toBeGreaterThanOrEqual(5);
      expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
    } finally {
      await revocations.close();
      feed.close();
    }
  });
});

describe('the gateway’s readiness while a subgraph cannot be reached', () => {
  const log = capture();
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ LOG_LEVEL: 'info' }, { logDestination: log.destination });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('warns once, with no stack trace, and says how many checks failed once it is back', async () => {
    const catalog = stack.subgraphs.catalog;
    // The catalog process is gone from its port; its database and everything else stay.
    await new Promise<void>((resolve) => {
      catalog.server.close(() => resolve());
      catalog.server.closeAllConnections();
    });
    for (let i = 0; i < 3; i += 1) {
      const answer = await fetch(`${stack.gatewayUrl}/ready`);
      expect(answer.status).toBe(503);
      expect(((await answer.json()) as { subgraphs: Record<string, string> }).subgraphs['catalog']).toBe('unreachable');
    }
    catalog.server.listen(catalog.port, '127.0.0.1');
    await once(catalog.server, 'listening');
    expect((await fetch(`${stack.gatewayUrl}/ready`)).status).toBe(200);

    const aboutCatalog = log.lines.filter((line) => String(line['msg']).includes('catalog subgraph'));
    expect(aboutCatalog.filter((line) => line['level'] === WARN)).toEqual([
      expect.objectContaining({
        msg: 'readiness: the catalog subgraph cannot be reached',
        failures: 1,
        error: expect.stringMatching(/ECONNREFUSED/) as unknown,
      }),
    ]);
    expect(
      aboutCatalog.find((line) => line['msg'] === 'readiness: the catalog subgraph can be reached again'),
    ).toMatchObject({ failures: 3 });
    expect(JSON.stringify(aboutCatalog)).not.toMatch(/"stack"/);
  });
});
