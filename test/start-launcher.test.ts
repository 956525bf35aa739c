import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '..');

/**
 * bin/start.mjs (`npm start`) on a checkout of its own: the launcher as it is, with this repository's
 * node_modules, in front of a two-file program standing for gateway/src/all-in-one.ts.
 */
describe('npm start runs TypeScript compiled into .start/, never a stale copy', () => {
  let checkout: string;

  const source = (path: string, text: string) => writeFile(join(checkout, path), text);
  const start = async () => {
    const { stdout } = await run(process.execPath, ['--enable-source-maps', 'bin/start.mjs'], { cwd: checkout });
    return stdout.trim();
  };

  beforeAll(async () => {
    checkout = await mkdtemp(join(tmpdir(), 'start-launcher-'));
    await cp(join(repository, 'bin'), join(checkout, 'bin'), { recursive: true });
    await symlink(join(repository, 'node_modules'), join(checkout, 'node_modules'));
    await writeFile(join(checkout, 'package.json'), '{ "type": "module" }\n');
    await mkdir(join(checkout, 'gateway/src'), { recursive: true });
    await mkdir(join(checkout, 'lib'), { recursive: true });
    await source('lib/greeting.ts', `export const greeting: string = 'first';\n`);
    await source(
      'gateway/src/all-in-one.ts',
      [
        `import { greeting } from '../../lib/greeting.js';`,
        // A decorated class, as type-graphql and MikroORM read them: the metadata must survive.
        `const seen: string[] = [];`,
        `const mark = (_target: object, key: string) => void seen.push(key);`,
        `class Probe { @mark field: string = ''; }`,
        `const frame = new Error('where').stack!.split('\\n')[1];`,
        `console.log(JSON.stringify({ greeting, seen, probe: new Probe().constructor.name, frame }));`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(checkout, { recursive: true, force: true });
  });

  it('compiles once, then runs what it compiled; stack traces name the TypeScript file', async () => {
    const first = JSON.parse(await start()) as { greeting: string; seen: string[]; probe: string; frame: string };
    expect(first).toMatchObject({ greeting: 'first', seen: ['field'], probe: 'Probe' });
    expect(first.frame).toContain(join(checkout, 'gateway/src/all-in-one.ts'));
    expect(JSON.parse(await start())).toMatchObject({ greeting: 'first' });
  });

  it('compiles an edited source again, and removes the output of a deleted one', async () => {
    await source('lib/greeting.ts', `export const greeting: string = 'edited';\n`);
    expect(JSON.parse(await start())).toMatchObject({ greeting: 'edited' });

    await source('lib/unused.ts', `export const unused = 1;\n`);
    await start();
    expect(await readdir(join(checkout, '.start/commonjs/lib'))).toContain('unused.js');
    await rm(join(checkout, 'lib/unused.ts'));
    await start();
    expect(await readdir(join(checkout, '.start/commonjs/lib'))).not.toContain('unused.js');
  });

  it("is readied by npm's prepare, after which the first start compiles nothing; prepare fails no install", async () => {
    await rm(join(checkout, '.start'), { recursive: true, force: true });
    const prepared = await run(process.execPath, ['bin/prepare.mjs'], { cwd: checkout });
    expect(prepared.stdout).toMatch(/^compiled 2 of 2 TypeScript files into \.start\//);
    // This checkout has no database module to cache initdb's output with: said, and the install goes on.
    expect(prepared.stderr).toMatch(/^could not ready \.start\/ ahead; npm start will: /);
    const started = await run(process.execPath, ['--enable-source-maps', 'bin/start.mjs'], { cwd: checkout });
    expect(started.stderr).not.toMatch(/compiled/);
    expect(JSON.parse(started.stdout.trim())).toMatchObject({ seen: ['field'], probe: 'Probe' });
  });
});
