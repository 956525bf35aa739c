import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { batchedLines } from './batched-stdout.js';
import { createLogger } from './logger.js';

/** A destination that says it is a terminal, as process.stdout does when one is attached. */
function terminal(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('createLogger', () => {
  it('writes readable lines to a terminal in development', async () => {
    const out = terminal(true);
    createLogger({ logLevel: 'info', env: 'development' }, 'gateway', out.stream).info({ status: 401 }, 'request');
    await settle();
    expect(out.text()).toMatch(/INFO.*request/);
    expect(out.text()).toMatch(/status: 401/);
    expect(() => JSON.parse(out.text()) as unknown).toThrow();
  });

  it('writes one JSON object a line elsewhere: to a pipe, and in production even on a terminal', async () => {
    for (const [env, isTTY] of [
      ['development', false],
      ['production', true],
    ] as const) {
      const out = terminal(isTTY);
      createLogger({ logLevel: 'info', env }, 'gateway', out.stream).info({ status: 401 }, 'request');
      await settle();
      expect(JSON.parse(out.text())).toMatchObject({ msg: 'request', status: 401, service: 'gateway' });
    }
  });
});

describe('lines to stdout', () => {
  it('are gathered into one write per batch, written within the batch interval', async () => {
    const writes: string[] = [];
    const lines = batchedLines({ write: (chunk: string) => writes.push(chunk) }, 30);
    lines.write('one\n');
    lines.write('two\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(writes).toEqual(['one\ntwo\n']);
  });

  it('write a large burst at once rather than holding it', () => {
    const writes: string[] = [];
    const lines = batchedLines({ write: (chunk: string) => writes.push(chunk) }, 60_000);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 64; i += 1) lines.write(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(64 * 1024);
  });

  /** A process of its own whose logger writes to its real stdout. */
  function loggingProcess(script: string) {
    const child = spawn(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', '--input-type=module', '-e', script],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return { child, out: () => out };
  }
  const logger = `import { createLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).pathname)};
    const logger = createLogger({ logLevel: 'info', env: 'production' }, 'probe');`;

  it('reach stdout when the process exits at once, as after an uncaught error', async () => {
    const { child, out } = loggingProcess(`${logger} logger.fatal('last words'); process.exit(3);`);
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(3);
    expect(JSON.parse(out())).toMatchObject({ msg: 'last words', service: 'probe' });
  });

  it('reach stdout within the batch interval while the process runs on', async () => {
    const { child, out } = loggingProcess(`${logger} logger.info('still here'); setInterval(() => {}, 1000);`);
    try {
      await expect.poll(out, { timeout: 10_000, interval: 20 }).toContain('still here');
    } finally {
      child.kill();
    }
  });
});
