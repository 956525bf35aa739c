import type { EntityManager } from '@mikro-orm/postgresql';
import { createSecretBox } from './secret-box.js';
import type { SealedColumn } from './sealed-columns.js';
import type { SecretKeys } from './secret-key.js';

export interface ResealCount {
  readonly kind: string;
  /** Opened by a fallback key and sealed again under the current one. */
  readonly resealed: number;
  /** Already under the current key. */
  readonly current: number;
  /** Ids of the rows no key of the set opens (left as they are). */
  readonly unopened: readonly string[];
}

const BATCH = 500;

/**
 * Seals every secret of the column that a SECRET_KEY fallback opens again under the current key,
 * so the fallback can go. Row by row in batches (keyset by id), each update applying only while the
 * row still holds what was read: a secret replaced meanwhile (a rotation) is left to its writer.
 * Safe while the service runs and to run twice.
 */
export async function resealColumn(
  em: EntityManager,
  schema: string,
  sealed: SealedColumn,
  keys: SecretKeys,
): Promise<ResealCount> {
  const box = createSecretBox(keys, sealed.purpose);
  const table = `"${schema}"."${sealed.table}"`;
  const [id, column] = [`"${sealed.idColumn}"`, `"${sealed.column}"`];
  const connection = em.getConnection();
  const count = { resealed: 0, current: 0, unopened: [] as string[] };
  let after: string | undefined;
  for (;;) {
    const rows = await connection.execute<{ id: string; sealed: string }[]>(
      `select ${id}::text as id, ${column} as sealed from ${table} where ${column} is not null` +
        `${after === undefined ? '' : ` and ${id}::text > ?`} order by ${id}::text limit ${BATCH}`,
      after === undefined ? [] : [after],
    );
    for (const row of rows) {
      let again: string | undefined;
      try {
        again = box.resealed(row.sealed);
      } catch {
        count.unopened.push(row.id);
        continue;
      }
      if (again === undefined) {
        count.current += 1;
        continue;
      }
      const { affectedRows } = await connection.execute<{ affectedRows: number }>(
        `update ${table} set ${column} = ? where ${id}::text = ? and ${column} = ?`,
        [again, row.id, row.sealed],
        'run',
      );
      // Zero: replaced meanwhile, by a writer that seals under the current key.
      count.resealed += affectedRows;
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.id;
  }
  return { kind: sealed.kind, ...count };
}
