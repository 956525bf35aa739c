import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openPersistentCluster } from './cluster-template.js';

export interface ClusterOptions {
  /** A directory to persist to; omitted means in memory. */
  readonly dataDir?: string;
  /** A tarball from `dump()` to start from (in-memory only). */
  readonly snapshot?: Blob;
  /** Where a new `dataDir` finds initdb's output cached, rather than running it (cluster-template.ts). */
  readonly templateDir?: string;
  /** A migrated cluster's tarball a new `dataDir` starts from when it is there (cluster-template.ts). */
  readonly migratedTemplate?: string;
  readonly maxConnections: number;
}

/** A PGlite cluster answering the PostgreSQL wire protocol on a Unix socket, in this thread. */
export interface ServedCluster {
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

export async function serveCluster(options: ClusterOptions, socketPath: string): Promise<ServedCluster> {
  const db = options.dataDir
    ? await openPersistentCluster(options.dataDir, options.templateDir, options.migratedTemplate)
    : await PGlite.create(options.snapshot ? { loadDataDir: options.snapshot } : {});
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: options.maxConnections });
  try {
    await server.start();
  } catch (error) {
    await server.stop();
    await db.close();
    throw error;
  }
  return {
    dump: async () => await db.dumpDataDir('none'),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** The name of the thread serving the cluster with `inWorker` (15 characters at most, as Linux keeps them). */
export const EMBEDDED_THREAD_NAME = 'embedded-pg';
