import { createHmac, hkdfSync, randomInt } from 'node:crypto';

export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_DIGITS = 8;

export type BackupCodeHasher = (code: string) => string;

/**
 * Keyed (HMAC-SHA256 with a key derived from SECRET_KEY): 8 digits are only 10^8 candidates, so a
 * plain hash in a leaked table would fall to an offline search in seconds.
 */
export function createBackupCodeHasher(secretKey: string): BackupCodeHasher {
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'membergraph', 'backup-codes', 32));
  return (code) => createHmac('sha256', key).update(code, 'utf8').digest('hex');
}

/** Distinct uniformly random 8-digit codes. */
export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count)
    codes.add(String(randomInt(0, 10 ** BACKUP_CODE_DIGITS)).padStart(BACKUP_CODE_DIGITS, '0'));
  return [...codes];
}
