import { hash, verify } from '@node-rs/argon2';
import { HashSlots, hashSlotCount } from './hash-slots.js';

/**
 * argon2id with the OWASP baseline (19 MiB, 2 passes, 1 lane). `Algorithm` is a const enum that
 * isolatedModules cannot import; argon2id is the library's default, and the PHC string records it.
 */
export const PASSWORD_HASH_PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Every hash and verification of the process takes a slot (hash-slots.ts). */
export const passwordHashSlots = new HashSlots(hashSlotCount());

export function hashPassword(password: string): Promise<string> {
  return passwordHashSlots.run(() => hash(password, PASSWORD_HASH_PARAMETERS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await passwordHashSlots.run(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}

/** True when a stored hash was made with other parameters (or algorithm) than today's. */
export function needsRehash(passwordHash: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!match) return true;
  const [, m, t, p] = match.map(Number);
  return (
    m !== PASSWORD_HASH_PARAMETERS.memoryCost ||
    t !== PASSWORD_HASH_PARAMETERS.timeCost ||
    p !== PASSWORD_HASH_PARAMETERS.parallelism
  );
}

/**
 * Verified against when the email is unknown, so that an unknown email and a wrong password take
 * the same time and answer the same way. Made once, lazily.
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(`decoy-${Math.random()}`);
  return decoyHash;
}
