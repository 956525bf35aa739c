import { describe, expect, it } from 'vitest';
import { inFreshProcess, loadedFilesOf } from '../../test/support/fresh-process.js';

// Each case in a process of its own (inFreshProcess), so that nothing has loaded the packages
// before: what `npm start` no longer loads, and that it still works once something uses it.

describe('packages loaded at their first use', () => {
  it('@mikro-orm/migrations loads without umzug and its command line, which load when the migrator uses them', async () => {
    const seen = await inFreshProcess(`
      const { deferredMigrationPackages } = await import('./lib/db/defer-migration-runner.ts');
      const { Migrator, Migration } = await import('@mikro-orm/migrations');
      ${loadedFilesOf('(umzug|@rushstack)')}
      const { createRequire } = await import('node:module');
      const fromMigrations = createRequire(createRequire(import.meta.url).resolve('@mikro-orm/migrations'));
      const before = files();
      const umzug = typeof fromMigrations('umzug').Umzug;
      console.log(JSON.stringify({ deferredMigrationPackages, migrator: typeof Migrator, migration: typeof Migration, before, umzug, after: files() }));
    `);
    expect(seen).toMatchObject({ deferredMigrationPackages: ['umzug'], migrator: 'function', migration: 'function' });
    // The stand-in alone (its path is umzug's own), none of umzug's or @rushstack's files.
    expect(seen['before']).toBe(1);
    expect(seen['umzug']).toBe('function');
    expect(seen['after']).toBeGreaterThan(20);
  }, 60_000);

  it('class-validator loads without libphonenumber-js, whose rule still works when used', async () => {
    const seen = await inFreshProcess(`
      const { deferredPhoneNumberPackages } = await import('./lib/graphql/defer-phone-numbers.ts');
      const { isPhoneNumber, isEmail } = await import('class-validator');
      ${loadedFilesOf('libphonenumber-js')}
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
    const seen = await inFreshProcess(`
      ${loadedFilesOf('undici')}
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
