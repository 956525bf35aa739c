import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * Each case in a process of its own, so that nothing has loaded the packages before: what `npm start`
 * no longer loads, and that it still works once something uses it.
 */
async function probe(script: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', '--input-type=module', '-e', script],
    { cwd: process.cwd() },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

const countFiles = (pattern: string) => `
const { cache } = (await import('node:module')).createRequire(import.meta.url);
const files = () => Object.keys(cache).filter((file) => /node_modules[\\\\/]${pattern}[\\\\/]/.test(file)).length;
`;

describe('packages loaded at their first use', () => {
  it('class-validator loads without libphonenumber-js, whose rule still works when used', async () => {
    const seen = await probe(`
      const { deferredPhoneNumberPackages } = await import('./lib/graphql/defer-phone-numbers.ts');
      const { isPhoneNumber, isEmail } = await import('class-validator');
      ${countFiles('libphonenumber-js')}
      const before = files();
      const email = isEmail('someone@example.com');
      const phone = [isPhoneNumber('+14155552671'), isPhoneNumber('12')];
      console.log(JSON.stringify({ deferredPhoneNumberPackages, before, email, phone, after: files() }));
    `);
    expect(seen).toMatchObject({
      deferredPhoneNumberPackages: ['libphonenumber-js/max'],
      email: true,
      phone: [true, false],
    });
    // The stand-in alone, then the package itself.
    expect(seen['before']).toBe(1);
    expect(seen['after']).toBeGreaterThan(20);
  }, 60_000);

  it("the gateway's subgraph transport loads undici with its first HTTP pool, not before", async () => {
    const seen = await probe(`
      ${countFiles('undici')}
      const { httpTransport, inProcessTransport } = await import('./gateway/src/graphql/subgraph-transport.ts');
      const inProcess = inProcessTransport(async () => ({ status: 200, headers: {}, body: '{}' }));
      const before = files();
      const transport = httpTransport('http://127.0.0.1:9/graphql', { connections: 1 });
      const refused = await transport.send('{}', {}).then(() => 'answered', (error) => error.code);
      await Promise.all([transport.close(), inProcess.close()]);
      console.log(JSON.stringify({ before, refused, after: files() }));
    `);
    expect(seen['before']).toBe(0);
    expect(seen['refused']).toBe('ECONNREFUSED');
    expect(seen['after']).toBeGreaterThan(50);
  }, 60_000);
});
