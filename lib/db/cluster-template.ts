import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { extractTar } from './tar-extract.js';

/**
 * Opens the PGlite cluster persisted in `dataDir`. A new (empty) `dataDir` starts from a tarball
 * rather than from initdb, which costs PGlite seconds of CPU (a second WASM instance bootstrapping
 * the catalogs): `migratedTemplate` (a cluster every subgraph has migrated, so `npm start` finds
 * nothing to do) when given and there, else initdb's output cached in `templateDir`. The first new
 * `dataDir` without either writes the latter, before anything else touches its cluster. A template
 * that does not open is dropped, and the next way is taken.
 */
export async function openPersistentCluster(
  dataDir: string,
  templateDir: string | undefined,
  migratedTemplate?: string,
): Promise<PGlite> {
  await mkdir(dataDir, { recursive: true });
  if ((await readdir(dataDir)).length > 0) return await PGlite.create({ dataDir });
  for (const template of [migratedTemplate, templateDir && templateIn(templateDir)]) {
    const tarball = template ? await readFile(template).catch(() => undefined) : undefined;
    if (!template || !tarball) continue;
    try {
      await unpackInto(dataDir, tarball);
      return await PGlite.create({ dataDir });
    } catch {
      // A damaged cache (a full disk, say): drop it and go on as if there were none.
      await rm(template, { force: true });
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
    }
  }
  const db = await PGlite.create({ dataDir });
  // Only a cache: a start that cannot write it goes on as before.
  if (templateDir) await writeTemplate(db, templateDir, templateIn(templateDir)).catch(() => undefined);
  return db;
}

/**
 * Unpacks beside `dataDir` and renames into place: a start cut short leaves no half cluster that the
 * next one would take for a whole one. `dataDir` is empty, and the caller holds its lock.
 */
async function unpackInto(dataDir: string, tarball: Uint8Array): Promise<void> {
  const unpacking = `${dataDir}.unpacking`;
  await rm(unpacking, { recursive: true, force: true });
  extractTar(tarball, unpacking);
  await rm(dataDir, { recursive: true, force: true });
  await rename(unpacking, dataDir);
}

/**
 * Where a cluster migrated by the migrations in `migrationDirs` is cached: named by a hash of what
 * those files run, so that a changed or added migration never starts from a cluster without it. Not
 * of what only describes the code: source maps and the comment lines compilers append (`//# …`, the
 * map's address and bin/start-compile.mjs's stamp), which change with compile options alone and
 * would leave a new `DATA_DIR` migrating from scratch until `npm run prepare` cached the cluster again.
 */
export function migratedTemplateIn(templateDir: string, migrationDirs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const [index, dir] of migrationDirs.entries()) {
    const files = readdirSync(dir, { withFileTypes: true }).filter(
      (entry) => entry.isFile() && !entry.name.endsWith('.map'),
    );
    for (const file of files.map((entry) => entry.name).sort()) {
      hash.update(`${index}/${file}\0`).update(withoutCompilerComments(readFileSync(join(dir, file), 'utf8')));
    }
  }
  return join(templateDir, `pglite-${pgliteVersion()}-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** A compiled file without its `//# name=value` lines (sourceMappingURL and the like). */
function withoutCompilerComments(code: string): string {
  return code.replace(/^\/\/# [\w-]+=.*(?:\r?\n|$)/gm, '');
}

/** Writes `tarball` (a cluster's `dump()`) as `template`, and drops the migrated templates it replaces. */
export async function writeMigratedTemplate(template: string, tarball: Blob): Promise<void> {
  await writeAtomically(template, new Uint8Array(await tarball.arrayBuffer()));
  const dir = dirname(template);
  const stale = (await readdir(dir)).filter(
    (name) => /^pglite-.+-migrated-[0-9a-f]+\.tar$/.test(name) && name !== basename(template),
  );
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
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

async function writeTemplate(db: PGlite, templateDir: string, template: string): Promise<void> {
  const tarball = await db.dumpDataDir('none');
  await mkdir(templateDir, { recursive: true });
  await writeAtomically(template, new Uint8Array(await tarball.arrayBuffer()));
}

/** Written to a file of its own and renamed, so starts side by side never read half a tarball. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
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
