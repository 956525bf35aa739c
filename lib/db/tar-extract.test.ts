import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTar } from './tar-extract.js';

/** One ustar entry as PGlite writes them: a 512-byte header, then the content padded to 512. */
function entry(name: string, content: string | null, type = content === null ? '5' : '0'): Buffer {
  const header = Buffer.alloc(512);
  const data = Buffer.from(content ?? '');
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}
const archive = (...entries: Buffer[]) => new Uint8Array(Buffer.concat([...entries, Buffer.alloc(1024)]));

describe('extracting a tarball', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tar-extract-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes its directories and files under the target, names rooted at / included', async () => {
    const target = join(root, 'cluster');
    const large = 'x'.repeat(1300);
    extractTar(
      archive(entry('/base', null), entry('/base/1', null), entry('/base/1/112', large), entry('/PG_VERSION', '17\n')),
      target,
    );
    expect((await readdir(target)).sort()).toEqual(['PG_VERSION', 'base']);
    expect(await readFile(join(target, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(await readFile(join(target, 'base/1/112'), 'utf8')).toBe(large);
    // Only this OS user may read a cluster's files.
    expect((await stat(join(target, 'base/1/112'))).mode & 0o777).toBe(0o600);
    expect((await stat(target)).mode & 0o777).toBe(0o700);
  });

  it('refuses what it cannot write faithfully or safely', () => {
    const refused = (bytes: Uint8Array) => () => extractTar(bytes, join(root, 'refused'));
    expect(refused(archive(entry('/../../etc/evil', 'x')))).toThrow(/leaves the target directory/);
    expect(refused(archive(entry('/link', '', '2')))).toThrow(/not supported/);
    const damaged = archive(entry('/PG_VERSION', '17\n'));
    damaged[10] = 0x41;
    expect(refused(damaged)).toThrow(/checksum/);
    expect(refused(archive(entry('/PG_VERSION', 'x'.repeat(600))).subarray(0, 700))).toThrow(/cut short/);
    expect(refused(entry('/PG_VERSION', '17\n'))).toThrow(/end marker/);
  });
});
