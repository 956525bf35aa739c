import { chmodSync, mkdtempSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.js';
import type { WorkerInput, WorkerReply, WorkerRequest } from './embedded-worker.js';
import { EMBEDDED_THREAD_NAME, serveCluster, type ClusterOptions, type ServedCluster } from './served-cluster.js';

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
  /** Writes a tarball of the data directory (used to give tests a pre-migrated database). */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions extends ClusterOptions {
  /**
   * Run PGlite on a worker thread (not with `snapshot`): `npm start` opens the cluster and serves its
   * queries on the second core while the main thread loads modules and builds schemas.
   */
  readonly inWorker?: boolean;
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

/**
 * A new directory only this OS user can enter, short enough for a socket path. Synchronous, so that
 * `inWorker` starts its thread before startEmbeddedPostgres first yields: `npm start` then loads the
 * graph's modules (CommonJS, in one synchronous stretch) while PGlite opens on the other core.
 */
function privateSocketDir(): string {
  const fits = (base: string) => join(base, `${PREFIX}XXXXXX`, SOCKET_NAME).length <= MAX_SOCKET_PATH;
  const dir = mkdtempSync(join(fits(tmpdir()) ? tmpdir() : '/tmp', PREFIX));
  chmodSync(dir, 0o700); // mkdtemp already creates 0700; say it.
  return dir;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  // Before anything opens the directory: a second user would silently lose the first one's writes.
  const lock = options.dataDir ? lockDataDir(options.dataDir) : undefined;
  const socketDir = privateSocketDir();
  const socketPath = join(socketDir, SOCKET_NAME);
  let cluster: ServedCluster | undefined;
  try {
    cluster =
      options.inWorker && !options.snapshot
        ? await serveInWorker(options, socketPath)
        : await serveCluster(options, socketPath);
    await chmod(socketPath, 0o600);
  } catch (error) {
    await cluster?.stop();
    await rm(socketDir, { recursive: true, force: true });
    lock?.release();
    throw error;
  }
  const running = cluster;
  const url = `postgres://postgres@${encodeURIComponent(socketDir)}/postgres?sslmode=disable`;
  served.add(url);
  return {
    url,
    socketDir,
    dump: () => running.dump(),
    async stop() {
      served.delete(url);
      try {
        await running.stop();
      } finally {
        await rm(socketDir, { recursive: true, force: true });
        lock?.release();
      }
    },
  };
}

/** serveCluster on a worker thread (embedded-worker.ts), answering once the socket listens. */
async function serveInWorker(options: ClusterOptions, socketPath: string): Promise<ServedCluster> {
  // The compiled worker beside this module; its TypeScript source under a loader hook (tests).
  const file = new URL(
    import.meta.url.endsWith('.ts') ? './embedded-worker.ts' : './embedded-worker.js',
    import.meta.url,
  );
  const { dataDir, templateDir, migratedTemplate, maxConnections } = options;
  const input: WorkerInput = { options: { dataDir, templateDir, migratedTemplate, maxConnections }, socketPath };
  const worker = new Worker(file, { workerData: input, name: EMBEDDED_THREAD_NAME });
  const pending = new Map<number, { resolve(reply: WorkerReply): void; reject(error: unknown): void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    const onReply = (reply: WorkerReply) => {
      if ('id' in reply) return;
      worker.off('message', onReply);
      worker.off('error', reject);
      if (reply.type === 'ready') resolve();
      else reject(reply.error instanceof Error ? reply.error : new Error(String(reply.error)));
    };
    worker.on('message', onReply);
    worker.once('error', reject);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.on('message', (reply: WorkerReply) => {
    if (!('id' in reply)) return;
    const request = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.type === 'failed') request?.reject(reply.error);
    else request?.resolve(reply);
  });
  // Its thread ending on its own (a crash) fails what waits on it; the process goes on to report it.
  worker.on('error', (error) => {
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  });
  const ask = (type: WorkerRequest['type']) =>
    new Promise<WorkerReply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, type } satisfies WorkerRequest);
    });
  return {
    async dump() {
      const reply = await ask('dump');
      return new Blob('tarball' in reply && reply.tarball ? [reply.tarball] : []);
    },
    async stop() {
      try {
        await ask('stop');
      } finally {
        await worker.terminate();
      }
    },
  };
}
