import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
