import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheInitdbOutput,
  migratedTemplateIn,
  openPersistentCluster,
  writeMigratedTemplate,
} from './cluster-template.js';

describe('a new data directory started from the cached output of initdb', () => {
  let root: string;
  const templateDir = () => join(root, 'templates');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cluster-template-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const tableCount = async (dataDir: string) => {
    const db = await openPersistentCluster(dataDir, templateDir());
    try {
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from pg_tables where tablename = 'written_after_start'`,
      );
      return rows[0]!.n;
    } finally {
      await db.close();
    }
  };

  it('caches the cluster as initdb left it, and a second directory starts from that', async () => {
    const first = await openPersistentCluster(join(root, 'first'), templateDir());
    await first.exec('create table written_after_start (id int)');
    await first.close();
    const [template] = await readdir(templateDir());
    expect(template).toMatch(/^pglite-.+-initdb\.tar$/);

    // The first directory keeps its table; the second starts clean, from the tarball.
    expect(await tableCount(join(root, 'first'))).toBe(1);
    expect(await tableCount(join(root, 'second'))).toBe(0);
    expect(await readdir(templateDir())).toEqual([template]);
  });

  it('runs initdb when the cached tarball is damaged, and caches a sound one again', async () => {
    const [template] = await readdir(templateDir());
    const path = join(templateDir(), template!);
    await writeFile(path, 'not a tarball');
    expect(await tableCount(join(root, 'third'))).toBe(0);
    expect((await stat(path)).size).toBeGreaterThan(1_000_000);
  });

  it('is cached ahead (npm prepare) once, leaving nothing else behind, and a new directory starts from it', async () => {
    const ahead = join(root, 'ahead');
    expect(await cacheInitdbOutput(ahead)).toBe(true);
    const [template] = await readdir(ahead);
    expect(template).toMatch(/^pglite-.+-initdb\.tar$/);
    expect(await readdir(ahead)).toEqual([template]);
    expect(await cacheInitdbOutput(ahead)).toBe(false);
    const written = (await stat(join(ahead, template!))).mtimeMs;
    const db = await openPersistentCluster(join(root, 'fourth'), ahead);
    await db.close();
    // Started from the tarball: it was neither written again nor joined by another.
    expect(await readdir(ahead)).toEqual([template]);
    expect((await stat(join(ahead, template!))).mtimeMs).toBe(written);
  });

  it('names a migrated cluster by what the migrations run, not by their source maps or compiler comments', async () => {
    const migrations = join(root, 'named-migrations');
    await mkdir(migrations);
    const code = '"use strict";\nexports.up = "create table named_one";\n';
    await writeFile(join(migrations, 'Migration1.js'), `${code}//# sourceMappingURL=Migration1.js.map\n`);
    await writeFile(join(migrations, 'Migration1.js.map'), '{"version":3,"sourcesContent":["old"]}');
    const named = migratedTemplateIn(templateDir(), [migrations]);

    // Compiled again with other options: another map, another stamp, the same statements.
    await writeFile(
      join(migrations, 'Migration1.js'),
      `${code}//# membergraph-source=abc123\n//# sourceMappingURL=Migration1.js.map\n`,
    );
    await writeFile(join(migrations, 'Migration1.js.map'), '{"version":3,"mappings":"AAAA"}');
    expect(migratedTemplateIn(templateDir(), [migrations])).toBe(named);

    // A statement changed is another set of migrations.
    await writeFile(join(migrations, 'Migration1.js'), code.replace('named_one', 'named_two'));
    expect(migratedTemplateIn(templateDir(), [migrations])).not.toBe(named);
  });

  it('prefers a migrated cluster, falls back to initdb output when it is damaged, and keeps one per migration set', async () => {
    const migrations = join(root, 'migrations');
    await mkdir(migrations);
    await writeFile(join(migrations, 'Migration1.js'), 'create table migrated_one');
    const template = migratedTemplateIn(templateDir(), [migrations]);
    expect(template).toMatch(/pglite-.+-migrated-[0-9a-f]{16}\.tar$/);
    expect(migratedTemplateIn(templateDir(), [migrations])).toBe(template);

    // A cluster with what the migrations made, dumped as the migrated template.
    const source = await openPersistentCluster(join(root, 'migrating'), templateDir());
    await source.exec('create table written_after_start (id int)');
    await writeMigratedTemplate(template, await source.dumpDataDir('none'));
    await source.close();
    const fromMigrated = async (dataDir: string) => {
      const db = await openPersistentCluster(dataDir, templateDir(), template);
      await db.close();
      return tableCount(dataDir);
    };
    expect(await fromMigrated(join(root, 'fifth'))).toBe(1);
    // Not unpacked over a directory that holds a cluster already.
    expect(await fromMigrated(join(root, 'second'))).toBe(0);

    // Another migration names another template; writing it drops the one it replaces.
    await writeFile(join(migrations, 'Migration2.js'), 'create table migrated_two');
    const next = migratedTemplateIn(templateDir(), [migrations]);
    expect(next).not.toBe(template);
    const again = await openPersistentCluster(join(root, 'sixth'), templateDir(), template);
    await writeMigratedTemplate(next, await again.dumpDataDir('none'));
    await again.close();
    expect((await readdir(templateDir())).filter((name) => name.includes('-migrated-'))).toEqual([
      next.slice(templateDir().length + 1),
    ]);

    // A damaged migrated template is dropped; the directory starts from initdb's output instead.
    await writeFile(next, 'not a tarball');
    const db = await openPersistentCluster(join(root, 'seventh'), templateDir(), next);
    await db.close();
    expect(await tableCount(join(root, 'seventh'))).toBe(0);
    expect((await readdir(templateDir())).some((name) => name.includes('-migrated-'))).toBe(false);
    expect(await readdir(root)).not.toContain('seventh.unpacking');
  });
});
