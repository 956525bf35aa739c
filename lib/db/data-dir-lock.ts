import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ConfigError } from '../config/env.js';

/**
 * The embedded database has one user at a time: PGlite holds the cluster in this process's memory
 * and writes it back to the directory, so a second process on the same directory (`npm start` in
 * another terminal, `npm run migrate` beside it) sees none of the first one's writes and overwrites
 * them, without an error on either side. Each opening takes `<dataDir>.lock` (beside the directory,
 * whose absence tells a new cluster), holding the owner's pid; the next one refuses while that
 * process lives.
 */
export interface DataDirLock {
  release(): void;
}

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export class DataDirInUseError extends ConfigError {
  constructor(dataDir: string, owner: Owner) {
    super([
      `DATA_DIR: the embedded database in ${dataDir} is in use by process ${owner.pid} (since ${owner.since}); ` +
        'it has one user at a time: stop that process (npm start, npm run migrate…), or give this one another ' +
        'DATA_DIR or a DATABASE_URL',
    ]);
    this.name = 'DataDirInUseError';
  }
}

/** Synchronous: `npm start` opens the cluster on a worker before its first await (embedded.ts). */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = `${dataDir}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const mine: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  // Twice at most: a stale lock is removed once, and whoever then creates the file first owns it.
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o600 });
      return { release: () => releaseIfMine(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const owner = readOwner(file);
    if (owner && isAlive(owner)) throw new DataDirInUseError(dataDir, owner);
    unlinkSync(file);
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host, since: String(owner.since) }
      : undefined;
  } catch {
    return undefined; // Unreadable or half-written: a crash while taking it, so nobody owns it.
  }
}

/**
 * Whether the owner still runs. A lock written on another host (a DATA_DIR on a shared volume) is
 * believed. Our own pid or our parent's is a lock left by an earlier life of this container, whose
 * processes get the same low pids at every start (PostgreSQL's postmaster.pid check does the same).
 */
function isAlive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid || owner.pid === process.ppid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfMine(file: string): void {
  if (readOwner(file)?.pid !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}
