import type { EntityManager } from '../../../../lib/db/orm.js';
import { BackupCode } from './backup-code.entity.js';
import { TotpFactor } from './totp-factor.entity.js';

/**
 * Removes a user's authenticator (confirmed or pending) and backup codes, in the caller's
 * transaction: the member's own disableTotp, an administrator's removal, an account's deletion.
 * Whether there was an authenticator to remove.
 */
export async function removeSecondFactor(tx: EntityManager, userId: string): Promise<boolean> {
  await tx.nativeDelete(BackupCode, { user: userId });
  return (await tx.nativeDelete(TotpFactor, { user: userId })) > 0;
}
