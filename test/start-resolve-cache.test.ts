import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const resolveCache = join(import.meta.dirname, '..', 'bin', 'commonjs-resolve-cache.mjs');

/**
 * bin/commonjs-resolve-cache.mjs, in processes of their own: a program that requires a package whose
 * `main` the test moves, under a fingerprint the test chooses (bin/start.mjs: the installed packages
 * and the compiled sources).
 */
describe("npm start's cache of where each require leads", () => {
  let dir: string;
  const cacheFile = () => join(dir, 'cache.json');
  const main = (file: string) =>
    writeFile(join(dir, 'node_modules/pkg/package.json'), JSON.stringify({ name: 'pkg', main: file }));
  const start = async (fingerprint: string) => {
    const driver = `
      import { createRequire } from 'node:module';
      const { cacheCommonJsResolution } = await import(${JSON.stringify(resolveCache)});
      const cache = cacheCommonJsResolution(${JSON.stringify(cacheFile())}, ${JSON.stringify(fingerprint)});
      try {
        console.log(JSON.stringify({ loaded: createRequire(${JSON.stringify(join(dir, 'program.cjs'))})('./program.cjs') }));
      } catch (error) {
        console.log(JSON.stringify({ failed: error.code, stale: cache.stale(error) }));
      }
      cache.save();
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', driver], { cwd: dir });
    return JSON.parse(stdout.trim()) as { loaded?: string; failed?: string; stale?: boolean };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'resolve-cache-'));
    await mkdir(join(dir, 'node_modules/pkg'), { recursive: true });
    await writeFile(join(dir, 'program.cjs'), `module.exports = require('pkg');\n`);
    await writeFile(join(dir, 'node_modules/pkg/a.js'), `module.exports = 'a';\n`);
    await writeFile(join(dir, 'node_modules/pkg/b.js'), `module.exports = 'b';\n`);
    await main('a.js');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the next start from what this one resolved, while the fingerprint is the same', async () => {
    expect(await start('install 1')).toEqual({ loaded: 'a' });
    const stored = JSON.parse(await readFile(cacheFile(), 'utf8')) as { resolved: Record<string, string> };
    expect(Object.values(stored.resolved)).toContain(join(dir, 'node_modules/pkg/a.js'));
    // Moved without a new fingerprint: the start still goes where the cache says (it did not resolve).
    await main('b.js');
    expect(await start('install 1')).toEqual({ loaded: 'a' });
  });

  it('resolves afresh under another fingerprint (a new install, a source added or removed)', async () => {
    expect(await start('install 2')).toEqual({ loaded: 'b' });
    expect(await start('install 2')).toEqual({ loaded: 'b' });
  });

  it('deletes itself when a file it names is gone, so that the start after resolves afresh', async () => {
    await main('a.js');
    expect(await start('install 3')).toEqual({ loaded: 'a' });
    // Changed by hand, not by npm: the fingerprint cannot tell.
    await rm(join(dir, 'node_modules/pkg/a.js'));
    await main('b.js');
    expect(await start('install 3')).toEqual({ failed: 'ENOENT', stale: true });
    await expect(readFile(cacheFile(), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await start('install 3')).toEqual({ loaded: 'b' });
  });
});
