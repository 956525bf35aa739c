import type { EntityManager } from '@mikro-orm/postgresql';
import { createKeyedHasher } from './keyed-hash.js';
import type { SecretKeys } from './secret-key.js';

/**
 * A column of keyed hashes kept long (lib/crypto/keyed-hash.ts), with the id of the key each was
 * made under. Unlike sealed secrets they cannot be made again under a new SECRET_KEY: a hash made
 * under a fallback key stops matching once that key is removed.
 */
export interface KeyedHashColumn {
  /** What it holds, for people: "backup codes". */
  readonly kind: string;
  readonly table: string;
  readonly keyIdColumn: string;
  /** Whose they are (a user id column): the people a removed key would leave without them. */
  readonly ownerColumn: string;
  /** The hasher's purpose, as the subgraph creates it. */
  readonly purpose: string;
  /** SQL condition of the rows that still matter (unused codes). */
  readonly live: string;
}

export interface KeyedHashCensus {
  readonly kind: string;
  /** Made under SECRET_KEY. */
  readonly current: number;
  /** Made under a SECRET_KEY_FALLBACKS key: void once it is removed. */
  readonly underFallback: number;
  /** The people those belong to. */
  readonly ownersUnderFallback: number;
  /** Made under a key no longer set: they already match nothing. */
  readonly void: number;
  /** Made before key ids were kept: under which key is unknown. */
  readonly unknown: number;
}

/** How many live hashes of the column each kind of key made, in one statement. */
export async function keyedHashCensus(
  em: EntityManager,
  schema: string,
  column: KeyedHashColumn,
  keys: SecretKeys,
): Promise<KeyedHashCensus> {
  const [current, ...fallbacks] = createKeyedHasher(keys, column.purpose).keyIds;
  const keyId = `"${column.keyIdColumn}"`;
  const fallbackIds = fallbacks.length > 0 ? `${keyId} in (${fallbacks.map(() => '?').join(', ')})` : 'false';
  const [row] = await em.getConnection().execute<Record<keyof Omit<KeyedHashCensus, 'kind'>, string>[]>(
    `select count(*) filter (where ${keyId} = ?) as current,
       count(*) filter (where ${fallbackIds}) as "underFallback",
       count(distinct "${column.ownerColumn}") filter (where ${fallbackIds}) as "ownersUnderFallback",
       count(*) filter (where ${keyId} is not null and ${keyId} <> ? and not (${fallbackIds})) as void,
       count(*) filter (where ${keyId} is null) as unknown
     from "${schema}"."${column.table}" where ${column.live}`,
    [current, ...fallbacks, ...fallbacks, current, ...fallbacks],
  );
  return {
    kind: column.kind,
    current: Number(row?.current ?? 0),
    underFallback: Number(row?.underFallback ?? 0),
    ownersUnderFallback: Number(row?.ownersUnderFallback ?? 0),
    void: Number(row?.void ?? 0),
    unknown: Number(row?.unknown ?? 0),
  };
}
