import { describe, expect, it } from 'vitest';
import { patiently } from './patiently.js';

const late = () => new Error('late');

// The answer that arrives while the process is held past the time: rate-limit-store.test.ts, on Redis.
describe('patiently', () => {
  it('gives up once the time has passed with no answer', async () => {
    const started = Date.now();
    await expect(patiently(new Promise(() => undefined), 30, late)).rejects.toThrow('late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('passes on the answer and the failure of the work', async () => {
    await expect(patiently(Promise.resolve('ok'), 30, late)).resolves.toBe('ok');
    await expect(patiently(Promise.reject(new Error('NOAUTH')), 30, late)).rejects.toThrow('NOAUTH');
  });
});
