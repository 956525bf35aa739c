import { randomInt } from 'node:crypto';
import { createKeyedHasher, type KeyedHasher } from '../../../../lib/crypto/keyed-hash.js';
import type { SecretKeys } from '../../../../lib/crypto/secret-key.js';

export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_DIGITS = 8;

export type BackupCodeHasher = KeyedHasher;

export const BACKUP_CODE_PURPOSE = 'backup-codes';

/** Keyed: 8 digits are only 10^8 candidates (see lib/crypto/keyed-hash.ts). */
export function createBackupCodeHasher(secretKeys: SecretKeys): BackupCodeHasher {
  return createKeyedHasher(secretKeys, BACKUP_CODE_PURPOSE);
}

/** Distinct uniformly random 8-digit codes. */
export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count)
    codes.add(String(randomInt(0, 10 ** BACKUP_CODE_DIGITS)).padStart(BACKUP_CODE_DIGITS, '0'));
  return [...codes];
}
