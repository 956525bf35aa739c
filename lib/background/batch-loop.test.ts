import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../logging/logger.js';
import { BatchLoop } from './batch-loop.js';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger(loadConfig({ LOG_LEVEL: 'info' }), 'loop-test', destination) };
}

const until = async (condition: () => boolean, timeoutMs = 2_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('BatchLoop', () => {
  it('runs its first batch after the delay start was given, and never when stopped before', async () => {
    const batchTimes: number[] = [];
    const loopOf = () =>
      new BatchLoop({
        purpose: 'test',
        logger: capturedLogger().logger,
        batchSize: 1,
        intervalMs: 60_000,
        runBatch: async () => {
          batchTimes.push(Date.now());
          return 0;
        },
      });
    const startedAt = Date.now();
    const delayed = loopOf();
    delayed.start(150);
    await until(() => batchTimes.length === 1);
    await delayed.stop();
    expect(batchTimes[0]! - startedAt).toBeGreaterThanOrEqual(140);

    const cancelled = loopOf();
    cancelled.start(50);
    await cancelled.stop();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(batchTimes).toHaveLength(1);
  });

  it('drains full batches back to back and stops at the first that is not full', async () => {
    let left = 25;
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 60_000,
      runBatch: async () => {
        const taken = Math.min(10, left);
        left -= taken;
        return taken;
      },
    });
    expect(await loop.drain()).toBe(25);
    expect(await loop.drain()).toBe(0);
  });

  it('waits for the scheduled batch in flight, whose claimed items it cannot take itself', async () => {
    let inFlight = false;
    let finished = 0;
    let release: () => void = () => {};
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 60_000,
      runBatch: async () => {
        // The first (scheduled) batch claims the work and is slow; a concurrent one finds nothing.
        if (finished > 0 || inFlight) return 0;
        inFlight = true;
        await new Promise<void>((resolve) => (release = resolve));
        finished = 4;
        return 4;
      },
    });
    loop.start();
    await until(() => inFlight);
    const drained = loop.drain();
    setTimeout(() => release(), 20);
    await drained;
    expect(finished).toBe(4);
    await loop.stop();
  });

  it('runs again at once after a full batch or a wake, and waits the interval otherwise', async () => {
    const batches: number[] = [];
    let pending = 20;
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 60_000,
      runBatch: async () => {
        const taken = Math.min(10, pending);
        pending -= taken;
        batches.push(taken);
        return taken;
      },
    });
    loop.start();
    await until(() => batches.length === 3);
    expect(batches).toEqual([10, 10, 0]);
    pending = 3;
    loop.wake();
    await until(() => batches.length === 4);
    expect(batches.at(-1)).toBe(3);
    await loop.stop();
  });

  it('backs off while the work fails, warning once per run of failures', async () => {
    const { lines, logger } = capturedLogger();
    let calls = 0;
    const loop = new BatchLoop({
      purpose: 'reach the far side',
      logger,
      batchSize: 10,
      intervalMs: 5,
      runBatch: async () => {
        calls += 1;
        if (calls <= 3) throw new Error('down');
        return 0;
      },
    });
    loop.start();
    await until(() => calls >= 4);
    await loop.stop();
    const warnings = lines.filter((line) => line['msg'] === 'could not reach the far side');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ retryInMs: 10 });
  });
});

describe('BatchLoop while idle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('doubles its pause while it finds nothing, up to idleMaxIntervalMs, and starts over once it finds work', async () => {
    vi.useFakeTimers({ now: 0 });
    const at: number[] = [];
    let pending = 0;
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 20,
      idleMaxIntervalMs: 80,
      runBatch: async () => {
        at.push(Date.now());
        const taken = pending;
        pending = 0;
        return taken;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(at).toEqual([0, 20, 60, 140, 220, 300]);
    // Work found (woken): the short pause again, then the doubling from the start.
    pending = 3;
    loop.wake();
    await vi.advanceTimersByTimeAsync(100);
    expect(at.slice(6)).toEqual([300, 320, 340, 380]);
    await loop.stop();
  });

  it('answers a wake at once when idle, and under load not sooner than wakeGapMs after the last batch', async () => {
    vi.useFakeTimers({ now: 0 });
    const at: number[] = [];
    let pending = 0;
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 60_000,
      wakeGapMs: 200,
      runBatch: async () => {
        at.push(Date.now());
        const taken = pending;
        pending = 0;
        return taken;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(1_000);
    // Idle for a while: at once.
    pending = 1;
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(at).toEqual([0, 1_000]);
    // Commits keep coming: each wake waits for the gap, and they are taken together.
    await vi.advanceTimersByTimeAsync(50);
    pending = 1;
    loop.wake();
    await vi.advanceTimersByTimeAsync(50);
    pending = 2;
    loop.wake();
    await vi.advanceTimersByTimeAsync(200);
    expect(at).toEqual([0, 1_000, 1_200]);
    // A batch that found nothing (here one a caller scheduled) does not hold a wake back.
    await vi.advanceTimersByTimeAsync(800);
    loop.wakeIn(0);
    await vi.advanceTimersByTimeAsync(0);
    pending = 1;
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(at).toEqual([0, 1_000, 1_200, 2_100, 2_100]);
    await loop.stop();
  });

  it('runs when a time a caller gave falls due, before its idle pause ends', async () => {
    vi.useFakeTimers({ now: 0 });
    const at: number[] = [];
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 60_000,
      runBatch: async () => {
        at.push(Date.now());
        return 0;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(10);
    loop.wakeIn(150);
    loop.wakeIn(50);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(at).toEqual([0, 60, 160]);
    await loop.stop();
  });

  it('looks again after the batch in flight when woken during it', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 60_000,
      runBatch: async () => {
        calls += 1;
        if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
        return 0;
      },
    });
    loop.start();
    await until(() => calls === 1);
    loop.wake();
    release();
    await until(() => calls === 2);
    await loop.stop();
  });

  it('is not woken while its work fails: the backoff decides when it tries again', async () => {
    let calls = 0;
    const loop = new BatchLoop({
      purpose: 'test',
      logger: capturedLogger().logger,
      batchSize: 10,
      intervalMs: 200,
      runBatch: async () => {
        calls += 1;
        throw new Error('down');
      },
    });
    vi.useFakeTimers({ now: 0 });
    loop.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toBe(1);
    for (let i = 0; i < 5; i++) loop.wake();
    loop.wakeIn(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toBe(1);
    // 200 ms × 2 after the first failure.
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    await loop.stop();
  });
});

describe('BatchLoop while its work fails', () => {
  it('warns without a stack trace, then says how many tries failed once the work succeeds again', async () => {
    const { lines, logger } = capturedLogger();
    let calls = 0;
    const loop = new BatchLoop({
      purpose: 'reach the far side',
      logger,
      batchSize: 10,
      intervalMs: 1,
      runBatch: async () => {
        calls += 1;
        if (calls <= 4) throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:4004') });
        return 0;
      },
    });
    loop.start();
    await until(() => calls >= 5, 5_000);
    await loop.stop();
    expect(lines.filter((line) => line['level'] === 40)).toEqual([
      expect.objectContaining({
        msg: 'could not reach the far side',
        failures: 1,
        error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:4004',
      }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
    expect(lines.filter((line) => line['msg'] === 'can reach the far side again')).toEqual([
      expect.objectContaining({ level: 30, failures: 4 }),
    ]);
  });
});
