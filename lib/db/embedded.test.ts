import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';

const onLinux = process.platform === 'linux';

/** Whether any user may execute `file`: it and every directory above it open to others. */
async function everyoneMayRun(file: string): Promise<boolean> {
  const { mode } = await stat(file);
  if ((mode & 0o001) === 0) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/** The TCP ports this process listens on (its socket inodes matched against /proc/net/tcp{,6}). */
async function tcpListeningPorts(): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const [, local = '', , state, , , , , , inode = ''] = line.trim().split(/\s+/);
      if (state === '0A' && inodes.has(inode)) ports.push(parseInt(local.split(':')[1] ?? '', 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/** Whether a PostgreSQL session can be opened and queried with these settings. */
async function canQuery(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client({ connectionTimeoutMillis: 3000, query_timeout: 3000, ...config });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('the embedded database (security finding 7)', () => {
  let embedded: EmbeddedPostgres;
  let tcpBefore: number[] = [];

  beforeAll(async () => {
    if (onLinux) tcpBefore = await tcpListeningPorts();
    embedded = await startEmbeddedPostgres({ maxConnections: 2 });
  });
  afterAll(async () => {
    await embedded?.stop();
  });

  it('is reached through its URL, by node-postgres as by MikroORM (a socket directory as host)', async () => {
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    try {
      expect((await client.query<{ answer: number }>('select 42 as answer')).rows).toEqual([{ answer: 42 }]);
    } finally {
      await client.end();
    }
    // MikroORM reads host, port, user and database from clientUrl itself and hands them to knex + pg.
    const orm = await MikroORM.init({
      clientUrl: embedded.url,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      ensureDatabase: false,
      pool: { min: 0, max: 1 },
    });
    try {
      expect(await orm.em.getConnection().execute('select 43 as answer')).toEqual([{ answer: 43 }]);
    } finally {
      await orm.close(true);
    }
    const url = new URL(embedded.url);
    expect(decodeURIComponent(url.hostname)).toBe(embedded.socketDir);
    expect(url.password).toBe('');
  });

  it('listens on a Unix socket in a fresh directory that only this OS user may enter', async () => {
    const dir = await stat(embedded.socketDir);
    expect(dir.isDirectory()).toBe(true);
    expect(dir.mode & 0o777).toBe(0o700);
    expect(dir.uid).toBe(process.getuid?.() ?? dir.uid);
    const socket = await stat(join(embedded.socketDir, '.s.PGSQL.5432'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o077).toBe(0);
    expect(await readdir(embedded.socketDir)).toEqual(['.s.PGSQL.5432']);
  });

  it.runIf(onLinux)('opens no TCP port, and no TCP port of this process speaks PostgreSQL', async () => {
    const after = await tcpListeningPorts();
    expect(after).toEqual(tcpBefore);
    for (const port of after) expect(await canQuery({ host: '127.0.0.1', port, user: 'postgres' })).toBe(false);
  });

  it.runIf(onLinux)('sees a TCP listener of this process when there is one (the check above can fail)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await tcpListeningPorts()).toContain((server.address() as AddressInfo).port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  // Root passes every permission check, so another user is played by a child process as `nobody`.
  it.runIf(onLinux && process.getuid?.() === 0)('refuses a connection from another OS user', async () => {
    const script = `require('net').connect(process.argv[1])
      .on('connect', () => { console.log('connected'); process.exit(0); })
      .on('error', (e) => { console.log(e.code); process.exit(0); });`;
    // A Node that user may run: npx's copy (CI's Node 22 and 24 runs) sits under root's private home.
    const node = (await everyoneMayRun(process.execPath)) ? process.execPath : '/usr/bin/node';
    const other = (path: string) =>
      promisify(execFile)(node, ['-e', script, path], { uid: 65534, gid: 65534, cwd: '/' });
    expect((await other(join(embedded.socketDir, '.s.PGSQL.5432'))).stdout.trim()).toBe('EACCES');
  });

  it('removes the socket directory when stopped', async () => {
    const second = await startEmbeddedPostgres({ maxConnections: 1 });
    expect(second.socketDir).not.toBe(embedded.socketDir);
    await second.stop();
    await expect(stat(second.socketDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await canQuery({ connectionString: second.url })).toBe(false);
  });
});
