import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { randomInt } from 'node:crypto';
import { AppError } from '../../../../lib/errors/index.js';

/** Business-key prefixes. Sites keep the legacy `ST` of seed 000: keys are unique per kind only. */
export type KeyPrefix = 'ST' | 'MD' | 'CP';

export const KEY_PATTERN = /^(ST|MD|CP)\d{8}X\d{4}$/;

/** How many fresh keys one create tries before giving up (10,000 keys per kind and day exist). */
export const KEY_ATTEMPTS = 8;

/** `ST20260331X1234`: prefix, the UTC date, `X`, four random digits. */
export function newBusinessKey(
  prefix: KeyPrefix,
  now: Date = new Date(),
  digits: () => number = () => randomInt(10_000),
) {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `${prefix}${date}X${String(digits()).padStart(4, '0')}`;
}

export interface UniqueKeyOptions {
  readonly attempts?: number;
  /** Supplies each candidate key; tests force collisions through it. */
  readonly nextKey?: () => string;
}

/**
 * Runs `insert` with a fresh key until the database accepts one. Four random digits collide, and two
 * concurrent creates can pick the same key: the unique constraint decides, and the loser retries with
 * another key instead of failing. `insert` must write nothing else that is unique.
 */
export async function withUniqueKey<T>(
  prefix: KeyPrefix,
  insert: (key: string) => Promise<T>,
  options: UniqueKeyOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? KEY_ATTEMPTS;
  const nextKey = options.nextKey ?? (() => newBusinessKey(prefix));
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await insert(nextKey());
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
  }
  throw new AppError('CONFLICT', `No free ${prefix} key found in ${attempts} attempts; try again`);
}
