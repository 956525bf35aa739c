import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) served over the PostgreSQL wire protocol
 * on a loopback port, so MikroORM's ordinary postgresql driver talks to it unchanged.
 *
 * PGlite has one backend: connections share it and queries are queued. Every pool that connects
 * must stay within `maxConnections`, and no code may await a second connection inside a transaction.
 */
export interface EmbeddedPostgres {
  readonly url: string;
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
  readonly maxConnections: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections,
  });
  await server.start();
  // getServerConn() answers "host:port".
  const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    url,
    db,
    dump: async () => await db.dumpDataDir('none'),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
