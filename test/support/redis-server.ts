import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

/** Whether a `redis-server` binary is on PATH (tests that start their own skip without one). */
export const redisServerAvailable = spawnSync('redis-server', ['--version']).status === 0;

export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** Kills the server outright (SIGKILL): an outage, not a clean shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence), as a restarted cache would be. */
  start(): Promise<void>;
  /** Blocks the server for `seconds` (DEBUG SLEEP): connected, but answering nothing. */
  hang(seconds: number): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A private `redis-server` on a loopback port of its own, so a test can stop it without touching the
 * Redis other tests share (TEST_REDIS_URL).
 */
export async function startRedisServer(): Promise<RedisServerProcess> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      'redis-server',
      // No persistence: a restarted server is empty, the worst case for a cache coming back.
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--enable-debug-command',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  };

  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };

  const hang = async (seconds: number) => {
    const client = new Redis(url, { maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      // Sent, not awaited: the server answers only once it wakes up.
      void client.call('DEBUG', 'SLEEP', String(seconds)).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      setTimeout(() => client.disconnect(), seconds * 1000 + 1_000).unref();
    }
  };

  await start();
  return { port, url, kill, start, hang };
}
