import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUnmigratedDatabase } from '../../test/support/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded.js';
import type { SubgraphDatabase } from '../db/orm.js';
import { createLogger } from '../logging/logger.js';
import { newestSealedSecrets, type SealedColumn } from './sealed-columns.js';
import { assertSealedSecretsOpen, SecretKeyMismatchError } from './sealed-secrets.js';
import { createSecretBox } from './secret-box.js';
import { secretKeys } from './secret-key.js';

const PURPOSE = 'sealed-columns-test';
const oldKey = 'o'.repeat(40);
const newKey = 'n'.repeat(40);
const sealedUnder = (key: string, secret: string) => createSecretBox(secretKeys(key), PURPOSE).seal(secret);

/** A webhook-like table: a secret sealed at creation or at its last rotation, and the one it replaced. */
const current: SealedColumn = {
  kind: 'endpoint secrets',
  table: 'endpoint',
  idColumn: 'id',
  column: 'secret_sealed',
  purpose: PURPOSE,
  sealedAtColumns: ['rotated_at', 'created_at'],
};
const previous: SealedColumn = {
  ...current,
  kind: 'previous endpoint secrets',
  column: 'previous_secret_sealed',
  sealedAtColumns: ['rotated_at'],
};

describe('the newest secret of each sealed column (the start-up check)', () => {
  let embedded: EmbeddedPostgres;
  let database: SubgraphDatabase;
  let schema: string;

  const insert = (id: number, sealed: string, createdAt: string, rotatedAt: string | null, previousSealed?: string) =>
    database
      .fork()
      .getConnection()
      .execute(`insert into "${schema}"."endpoint" values (?, ?, ?, ?, ?)`, [
        id,
        sealed,
        previousSealed ?? null,
        createdAt,
        rotatedAt,
      ]);

  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ maxConnections: 3 });
    schema = `sealed_${randomUUID().slice(0, 8)}`;
    database = await openUnmigratedDatabase(embedded.url, {
      schema,
      poolMax: 2,
      logger: createLogger({ logLevel: 'silent' }, 'sealed-columns-test'),
    });
    const connection = database.fork().getConnection();
    await connection.execute(`create schema "${schema}"`);
    await connection.execute(
      `create table "${schema}"."endpoint" (id int primary key, secret_sealed text, previous_secret_sealed text,
         created_at timestamptz not null, rotated_at timestamptz)`,
    );
  });

  afterAll(async () => {
    await database?.orm.close(true);
    await embedded?.stop();
  });

  it('gives none for a column with no value yet (a fresh database)', async () => {
    expect(await newestSealedSecrets(database.fork(), schema, [current, previous], secretKeys(newKey))).toEqual([]);
  });

  it('takes the newest by the first of its columns set, and opens it with the process key and its fallbacks', async () => {
    // Created first, rotated last (under the new key): the newest secret, whatever its creation.
    await insert(
      1,
      sealedUnder(newKey, 'rotated'),
      '2026-01-01T00:00:00Z',
      '2026-12-01T00:00:00Z',
      sealedUnder(oldKey, 'was'),
    );
    // Created after that row, never rotated (under the old key).
    await insert(2, sealedUnder(oldKey, 'created'), '2026-06-01T00:00:00Z', null);
    const samples = await newestSealedSecrets(database.fork(), schema, [current, previous], secretKeys(newKey));
    expect(samples.map(({ kind, sealedAt }) => [kind, sealedAt.toISOString()])).toEqual([
      ['endpoint secrets', '2026-12-01T00:00:00.000Z'],
      ['previous endpoint secrets', '2026-12-01T00:00:00.000Z'],
    ]);
    expect(samples[0]!.box.open(samples[0]!.sealed)).toBe('rotated');
    // The previous secret was sealed under the old key: the new key alone does not open it...
    expect(() => assertSealedSecretsOpen('admin', samples)).toThrow(SecretKeyMismatchError);
    expect(() => assertSealedSecretsOpen('admin', samples)).toThrow(
      /admin previous endpoint secrets sealed 2026-12-01/,
    );
    // ...the old key as a fallback does.
    const withFallback = await newestSealedSecrets(
      database.fork(),
      schema,
      [current, previous],
      secretKeys(newKey, [oldKey]),
    );
    expect(() => assertSealedSecretsOpen('admin', withFallback)).not.toThrow();
  });
});
