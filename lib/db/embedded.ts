import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openPersistentCluster } from './cluster-template.js';

/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) served over the PostgreSQL wire protocol,
 * so MikroORM's ordinary postgresql driver talks to it unchanged.
 *
 * PGlite accepts any user without a password, so it listens on no TCP port: only on a Unix socket in
 * a fresh directory of mode 0700, which no other OS user can enter (node-postgres reaches it with the
 * directory as `host`, as libpq does).
 *
 * PGlite has one backend: connections share it and queries are queued. Every pool that connects
 * must stay within `maxConnections`, and no code may await a second connection inside a transaction.
 */
export interface EmbeddedPostgres {
  /** `postgres://postgres@<socket directory, percent-encoded>/postgres`. */
  readonly url: string;
  /** The directory holding the socket (mode 0700, removed by `stop()`). */
  readonly socketDir: string;
  readonly db: PGlite;
  /** Writes a tarball of the data directory (used to give tests a pre-migrated database). */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory to persist to; omitted means in memory. */
  readonly dataDir?: string;
  /** A tarball from `dump()` to start from (in-memory only). */
  readonly snapshot?: Blob;
  /** Where a new `dataDir` finds initdb's output cached, rather than running it (cluster-template.ts). */
  readonly templateDir?: string;
  readonly maxConnections: number;
}

/** The name clients look for in the `host` directory (PostgreSQL's default port, 5432). */
const SOCKET_NAME = '.s.PGSQL.5432';
const PREFIX = 'membergraph-pg-';
/** A Unix socket path holds at most 103 bytes on macOS, 107 on Linux. */
const MAX_SOCKET_PATH = 100;

/** The URLs this process serves an embedded database on, while it does. */
const served = new Set<string>();

/**
 * Whether `url` is an embedded database of this process. Its connections share one backend, which
 * hands a notification to the connection that committed it rather than to the ones that LISTEN
 * (pglite-socket forwards each query's output to its sender): LISTEN/NOTIFY does not work across
 * connections there, so background work relies on this process's own signals (lib/db/notifications.ts).
 */
export function isEmbeddedDatabase(url: string): boolean {
  return served.has(url);
}

/** A new directory only this OS user can enter, short enough for a socket path. */
async function privateSocketDir(): Promise<string> {
  const fits = (base: string) => join(base, `${PREFIX}XXXXXX`, SOCKET_NAME).length <= MAX_SOCKET_PATH;
  const dir = await mkdtemp(join(fits(tmpdir()) ? tmpdir() : '/tmp', PREFIX));
  await chmod(dir, 0o700); // mkdtemp already creates 0700; say it.
  return dir;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const db = options.dataDir
    ? await openPersistentCluster(options.dataDir, options.templateDir)
    : await PGlite.create(options.snapshot ? { loadDataDir: options.snapshot } : {});
  const socketDir = await privateSocketDir();
  const socketPath = join(socketDir, SOCKET_NAME);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: options.maxConnections });
  try {
    await server.start();
    await chmod(socketPath, 0o600);
  } catch (error) {
    await server.stop();
    await db.close();
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://postgres@${encodeURIComponent(socketDir)}/postgres?sslmode=disable`;
  served.add(url);
  return {
    url,
    socketDir,
    db,
    dump: async () => await db.dumpDataDir('none'),
    async stop() {
      served.delete(url);
      try {
        await server.stop();
        await db.close();
      } finally {
        await rm(socketDir, { recursive: true, force: true });
      }
    },
  };
}
