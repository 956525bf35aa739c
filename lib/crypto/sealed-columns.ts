import type { EntityManager } from '@mikro-orm/postgresql';
import { quoteIdentifier } from '../db/identifier.js';
import type { SealedSecretSample } from './sealed-secrets.js';
import { createSecretBox } from './secret-box.js';
import type { SecretKeys } from './secret-key.js';

/**
 * A column of secrets a subgraph keeps sealed under SECRET_KEY (lib/crypto/secret-box.ts), described
 * once in its definition: `npm run secrets:reseal` seals its values anew (reseal.ts), and every start
 * opens its newest value first (newestSealedSecrets).
 */
export interface SealedColumn {
  /** What it holds, for people: "signing keys", "TOTP secrets". */
  readonly kind: string;
  readonly table: string;
  readonly idColumn: string;
  readonly column: string;
  /** The box's purpose, as the subgraph creates it. */
  readonly purpose: string;
  /** Columns that tell when the value was sealed, the first one set counting: the newest row is the start's sample. */
  readonly sealedAtColumns: readonly string[];
}

/**
 * The newest secret of each column, with the box the process opens it with (SECRET_KEY and its
 * fallbacks): what the start-up check opens (sealed-secrets.ts assertSealedSecretsOpen). A column
 * with no value yet gives none.
 */
export async function newestSealedSecrets(
  em: EntityManager,
  schema: string,
  columns: readonly SealedColumn[],
  keys: SecretKeys,
): Promise<SealedSecretSample[]> {
  const samples: SealedSecretSample[] = [];
  for (const sealed of columns) {
    const column = quoteIdentifier(sealed.column);
    const sealedAt = `coalesce(${sealed.sealedAtColumns.map(quoteIdentifier).join(', ')})`;
    const [newest] = await em
      .getConnection()
      .execute<{ sealed: string; sealed_at: Date | string }[]>(
        `select ${column} as sealed, ${sealedAt} as sealed_at from ${quoteIdentifier(schema)}.${quoteIdentifier(sealed.table)} ` +
          `where ${column} is not null order by ${sealedAt} desc nulls last limit 1`,
      );
    if (!newest) continue;
    samples.push({
      kind: sealed.kind,
      sealedAt: new Date(newest.sealed_at),
      sealed: newest.sealed,
      box: createSecretBox(keys, sealed.purpose),
    });
  }
  return samples;
}
