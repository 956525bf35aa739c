import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Opens the PGlite cluster persisted in `dataDir`. A new (empty) `dataDir` starts from a tarball of a
 * cluster just out of initdb, cached in `templateDir`, instead of running initdb, which costs PGlite
 * seconds of CPU (a second WASM instance bootstrapping the catalogs). The first new `dataDir` writes
 * that tarball, before anything else touches its cluster. initdb's output is its PGlite version's, so
 * the version names the file.
 */
export async function openPersistentCluster(dataDir: string, templateDir: string | undefined): Promise<PGlite> {
  await mkdir(dataDir, { recursive: true });
  if (!templateDir || (await readdir(dataDir)).length > 0) return await PGlite.create({ dataDir });
  const template = templateIn(templateDir);
  const tarball = await readFile(template).catch(() => undefined);
  if (tarball) {
    try {
      return await PGlite.create({ dataDir, loadDataDir: new Blob([tarball]) });
    } catch {
      // A damaged cache (a full disk, say): drop it and run initdb as if there were none.
      await rm(template, { force: true });
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
    }
  }
  const db = await PGlite.create({ dataDir });
  // Only a cache: a start that cannot write it goes on as before.
  await writeTemplate(db, templateDir, template).catch(() => undefined);
  return db;
}

/**
 * Writes the tarball of initdb's output into `templateDir` when it is not there yet (npm's `prepare`:
 * bin/prepare.mjs), by opening a throwaway cluster as a first new `dataDir` would. Returns whether it
 * ran initdb.
 */
export async function cacheInitdbOutput(templateDir: string): Promise<boolean> {
  if (existsSync(templateIn(templateDir))) return false;
  const dataDir = join(templateDir, `initdb-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await (await openPersistentCluster(dataDir, templateDir)).close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return true;
}

/** The tarball of initdb's output in `templateDir`: initdb's output is its PGlite version's. */
function templateIn(templateDir: string): string {
  return join(templateDir, `pglite-${pgliteVersion()}-initdb.tar`);
}

/** Written to a file of its own and renamed, so starts side by side never read half a tarball. */
async function writeTemplate(db: PGlite, templateDir: string, template: string): Promise<void> {
  const tarball = await db.dumpDataDir('none');
  await mkdir(templateDir, { recursive: true });
  const temporary = `${template}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, new Uint8Array(await tarball.arrayBuffer()));
    await rename(temporary, template);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** PGlite's package.json is not among its exports: found from its entry point instead. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const root = entry.slice(0, entry.lastIndexOf(`${sep}dist${sep}`));
  return (createRequire(import.meta.url)(join(root, 'package.json')) as { version: string }).version;
}
