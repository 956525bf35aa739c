import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';
import { startEmbeddedPostgres } from './embedded.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'membergraph-lock-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A pid that ran and has ended. */
function endedPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

function lockFile(dataDir: string): { pid: number; host: string } {
  return JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8')) as { pid: number; host: string };
}

function ownedBy(dataDir: string, pid: number, host = hostname()): void {
  writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid, host, since: '2026-01-01T00:00:00.000Z' }));
}

describe('the embedded data directory lock', () => {
  it('lets one user in at a time, and the next in once the first releases', () => {
    const dataDir = join(root, 'pg');
    const first = lockDataDir(dataDir);
    expect(lockFile(dataDir)).toMatchObject({ pid: process.pid, host: hostname() });
    first.release();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    lockDataDir(dataDir).release();
  });

  it('refuses while the owner runs, naming it, and takes over a lock its owner left behind', () => {
    const dataDir = join(root, 'pg');
    ownedBy(dataDir, spawnOwner());
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dataDir)).toThrow(/DATA_DIR: the embedded database in .*pg is in use by process \d+/);

    ownedBy(dataDir, endedPid());
    const taken = lockDataDir(dataDir);
    expect(lockFile(dataDir).pid).toBe(process.pid);
    taken.release();

    // Our own pid: an earlier life of this container (pids repeat there), not a live owner.
    ownedBy(dataDir, process.pid);
    lockDataDir(dataDir).release();
    // Half-written by a crash: nobody owns it.
    writeFileSync(`${dataDir}.lock`, '{"pid":');
    lockDataDir(dataDir).release();
  });

  it('does not release a lock another process holds now', () => {
    const dataDir = join(root, 'pg');
    const mine = lockDataDir(dataDir);
    ownedBy(dataDir, 424242, 'another-host');
    mine.release();
    expect(lockFile(dataDir).host).toBe('another-host');
  });

  it('keeps a second embedded database off a directory in use, before it opens anything', async () => {
    const dataDir = join(root, 'pg');
    const first = await startEmbeddedPostgres({ dataDir, maxConnections: 2 });
    try {
      // As `npm start` in another terminal holds it.
      ownedBy(dataDir, spawnOwner());
      await expect(startEmbeddedPostgres({ dataDir, maxConnections: 2 })).rejects.toBeInstanceOf(DataDirInUseError);
    } finally {
      await first.stop();
    }
  }, 60_000);
});

const owners: ChildProcess[] = [];
/** A live process other than this one and its parent, to own a lock. */
function spawnOwner(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  owners.push(child);
  return child.pid!;
}
afterEach(() => {
  for (const owner of owners.splice(0)) owner.kill();
});
